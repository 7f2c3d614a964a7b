import type { MetricMeter } from '@temporalio/common';
import { Confirm, Message } from '../domain/models';
import { logger } from '../infra/logger';

export const DEAD_MESSAGES = 'reliable_signup_dead_messages';
export const DEAD_CONFIRMS = 'reliable_signup_dead_confirms';

/**
 * Keeps two gauges current, every `intervalSeconds`, from MongoDB: the messages in DEAD (a count on
 * the indexed `status`), and their DEAD confirms per consumer group (found through the DEAD messages'
 * keys, the first field of the confirms' unique index: DEAD messages are few, and none at all in normal
 * operation). Every worker process reports the same numbers: alert on their max, not their sum.
 */
export function startDeadCount(meter: MetricMeter, intervalSeconds: number, consumerGroups: string[]): () => void {
  const messages = meter.createGauge(
    DEAD_MESSAGES,
    'int',
    '',
    'Messages in DEAD, waiting for an operator to resend them',
  );
  const confirms = meter.createGauge(
    DEAD_CONFIRMS,
    'int',
    '',
    'Confirms in DEAD (a consumer group that failed past its attempts or that no worker serves), by consumer group',
  );
  // A group once reported is set back to 0 when its last dead confirm is resent.
  const groups = new Set(consumerGroups);

  const refresh = async () => {
    const count = await Message.countDocuments({ status: 'DEAD' });
    const perGroup = new Map<string, number>();
    if (count > 0) {
      const keys = (await Message.find({ status: 'DEAD' }, { _id: 1 }).lean()).map((m) => m._id);
      const dead = await Confirm.find({ messageKey: { $in: keys }, status: 'DEAD' }, { consumerGroup: 1 }).lean();
      for (const { consumerGroup } of dead) perGroup.set(consumerGroup, (perGroup.get(consumerGroup) ?? 0) + 1);
    }
    messages.set(count);
    for (const group of perGroup.keys()) groups.add(group);
    for (const group of groups) confirms.set(perGroup.get(group) ?? 0, { consumer_group: group });
  };

  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    refresh()
      .catch((err: unknown) => logger.warn({ err }, 'counting DEAD messages failed; the gauges keep their last value'))
      .finally(() => (running = false));
  };
  tick();
  const timer = setInterval(tick, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
