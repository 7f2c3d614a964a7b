import { ApplicationFailure, Context } from '@temporalio/activity';
import type Redis from 'ioredis';
import { claimKey, consumedKey, CONSUMED_MARK_TTL_SECONDS, DELIVERY_ATTEMPT_TIMEOUT_MS } from '../../domain/delivery';
import { Confirm, confirmId, Message } from '../../domain/models';
import { historyPush } from '../../domain/models/history';
import type { MessageDoc } from '../../domain/models/message';

/** What a consumer group does with a message; the delivery pipeline around it makes it run once. */
export type MessageHandler = (message: MessageDoc) => Promise<void>;

export type DeliverActivity = (input: { messageKey: string }) => Promise<'consumed' | 'already-consumed'>;

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
  return async function deliver({ messageKey }) {
    const _id = confirmId(messageKey, consumerGroup);
    const confirm = await Confirm.findOne({ _id }, { status: 1 }).lean();
    if (!confirm) {
      throw ApplicationFailure.create({ type: 'NO_CONFIRM', message: `${consumerGroup} has no confirm for ${messageKey}`, nonRetryable: true });
    }
    if (confirm.status === 'CONSUMED') return 'already-consumed';

    const attempt = Context.current().info.attempt;
    await Confirm.updateOne(
      { _id, status: { $ne: 'CONSUMED' } },
      { $set: { status: 'CONFIRMED' }, $inc: { consumeCount: 1 }, $push: historyPush('CONFIRMED', `attempt ${attempt}`) },
    );

    if (!(await redis.exists(consumedKey(consumerGroup, messageKey)))) {
      const claimed = await redis.set(claimKey(consumerGroup, messageKey), String(attempt), 'PX', DELIVERY_ATTEMPT_TIMEOUT_MS, 'NX');
      if (!claimed) throw new Error(`another delivery of ${messageKey} to ${consumerGroup} is in progress`);
      try {
        if (!(await redis.exists(consumedKey(consumerGroup, messageKey)))) {
          const message = await Message.findOne({ _id: messageKey }).lean();
          if (!message) throw new Error(`message ${messageKey} is not recorded`);
          await handler(message as MessageDoc);
          await redis.set(consumedKey(consumerGroup, messageKey), '1', 'EX', CONSUMED_MARK_TTL_SECONDS);
        }
      } catch (err) {
        await Confirm.updateOne({ _id }, { $set: { lastError: (err as Error).message } });
        throw err;
      } finally {
        await redis.del(claimKey(consumerGroup, messageKey));
      }
    }

    await Confirm.updateOne(
      { _id, status: { $ne: 'CONSUMED' } },
      { $set: { status: 'CONSUMED' }, $push: historyPush('CONSUMED') },
    );
    return 'consumed';
  };
}
