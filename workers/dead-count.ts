import type { MetricMeter } from '@temporalio/common';
import { refusedAsSuppressed } from '../domain/delivery';
import { Confirm, Message } from '../domain/models';
import { logger } from '../infra/logger';

export const DEAD_MESSAGES = 'reliable_signup_dead_messages';
export const DEAD_CONFIRMS = 'reliable_signup_dead_confirms';

/**
 * The DEAD messages an operator has to act on, and their DEAD confirms per consumer group (found through
 * the DEAD messages' keys, the first field of the confirms' unique index: DEAD messages are few, and none
 * at all in normal operation). A mail refused because its address is on the suppression list is DEAD too,
 * but it is no consumer's failure and no resend helps it (docs/suppressed-registrations.md): a message
 * none of whose DEAD confirms is anything else is not counted.
 */
export async function countDead(): Promise<{ messages: number; perGroup: Map<string, number> }> {
  const perGroup = new Map<string, number>();
  const keys = (await Message.find({ status: 'DEAD' }, { _id: 1 }).lean()).map((m) => m._id);
  if (keys.length === 0) return { messages: 0, perGroup };
  const dead = await Confirm.find(
    { messageKey: { $in: keys }, status: 'DEAD' },
    { messageKey: 1, consumerGroup: 1, lastError: 1 },
  ).lean();
  const failed = dead.filter((c) => !refusedAsSuppressed(c.lastError));
  for (const { consumerGroup } of failed) perGroup.set(consumerGroup, (perGroup.get(consumerGroup) ?? 0) + 1);
  const onlySuppressed = new Set(dead.map((c) => c.messageKey));
  for (const { messageKey } of failed) onlySuppressed.delete(messageKey);
  return { messages: keys.length - onlySuppressed.size, perGroup };
}

/**
 * Keeps two gauges current, every `intervalSeconds`, from MongoDB: `countDead`'s messages and confirms
 * per consumer group. Every worker process reports the same numbers: alert on their max, not their sum.
 */
export function startDeadCount(meter: MetricMeter, intervalSeconds: number, consumerGroups: string[]): () => void {
  const messages = meter.createGauge(
    DEAD_MESSAGES,
    'int',
    '',
    'Messages in DEAD, waiting for an operator to resend them (those refused only as suppressed are not counted)',
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
    const { messages: count, perGroup } = await countDead();
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
