import { ApplicationFailure, Context } from '@temporalio/activity';
import type Redis from 'ioredis';
import { claimKey, consumedKey, CONSUMED_MARK_TTL_SECONDS, DELIVERY_ATTEMPT_TIMEOUT_MS } from '../../domain/delivery';
import type { OutgoingMessage } from '../../domain/messaging';
import { Confirm, confirmId } from '../../domain/models';
import { historyPush } from '../../domain/models/history';
import { isNot, transition } from '../../domain/models/transition';

/** What a consumer group does with a message; the delivery pipeline around it makes it run once. */
export type MessageHandler = (message: OutgoingMessage) => Promise<void>;

/** The workflow hands the message itself to each consumer, as a broker would (encrypted in Temporal's history). */
export type DeliverActivity = (input: { message: OutgoingMessage }) => Promise<'consumed' | 'already-consumed'>;

/**
 * The consumer side of the seeds (paascloud's @MqConsumerStore), as one activity on the consumer's
 * task queue: confirm receipt (CONFIRMED, consumeCount + 1), claim the message atomically in Redis,
 * run the handler, mark it consumed (Redis for 10 days, the confirm CONSUMED).
 *
 * The claim is a lease (SET NX PX) as long as one attempt may run: Temporal starts the next attempt
 * only after the previous one failed or timed out, so a lease left by a crashed attempt has lapsed by
 * then and the delivery is retried. A crash after the SMTP server accepted the mail but before the
 * consumed mark is written therefore sends it again: the system errs towards at-least-once there.
 */
export function createDeliverActivity(consumerGroup: string, handler: MessageHandler, redis: Redis): DeliverActivity {
  return async function deliver({ message }) {
    const { messageKey } = message;
    const _id = confirmId(messageKey, consumerGroup);
    const attempt = Context.current().info.attempt;
    const before = await transition(Confirm, _id, isNot('CONSUMED'), {
      $set: { status: 'CONFIRMED' },
      $inc: { consumeCount: 1 },
      $push: historyPush('CONFIRMED', `attempt ${attempt}`),
    });
    if (before === 'CONSUMED') return 'already-consumed';
    if (before === undefined) {
      throw ApplicationFailure.create({ type: 'NO_CONFIRM', message: `${consumerGroup} has no confirm for ${messageKey}`, nonRetryable: true });
    }

    if (!(await redis.exists(consumedKey(consumerGroup, messageKey)))) {
      const claimed = await redis.set(claimKey(consumerGroup, messageKey), String(attempt), 'PX', DELIVERY_ATTEMPT_TIMEOUT_MS, 'NX');
      if (!claimed) throw new Error(`another delivery of ${messageKey} to ${consumerGroup} is in progress`);
      try {
        if (!(await redis.exists(consumedKey(consumerGroup, messageKey)))) {
          await handler(message);
          await redis.set(consumedKey(consumerGroup, messageKey), '1', 'EX', CONSUMED_MARK_TTL_SECONDS);
        }
      } catch (err) {
        await Confirm.updateOne({ _id }, { $set: { lastError: (err as Error).message } });
        throw err;
      } finally {
        await redis.del(claimKey(consumerGroup, messageKey));
      }
    }

    await Confirm.updateOne({ _id }, { $set: { status: 'CONSUMED' }, $push: historyPush('CONSUMED') });
    return 'consumed';
  };
}
