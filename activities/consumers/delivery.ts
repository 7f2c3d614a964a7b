import { ApplicationFailure, Context } from '@temporalio/activity';
import type Redis from 'ioredis';
import {
  CONSUMED_MARK,
  CONSUMED_MARK_TTL_SECONDS,
  DELIVERY_ATTEMPT_TIMEOUT_MS,
  idempotencyKey,
  type DeliveryOutcome,
} from '../../domain/delivery';
import { CONSUMED_STATUSES, type OutgoingMessage, type SentMail } from '../../domain/messaging';
import { Confirm, confirmId } from '../../domain/models';
import { confirmChange } from '../../domain/models/audit-transition';
import { auditedTransition, auditedUpdate, recordedTransition } from '../../domain/models/audit-writes';
import { historyPush } from '../../domain/models/history';
import { isNot } from '../../domain/models/transition';
import type { DeliveryMetrics } from '../../infra/delivery-metrics';
import { finishIfLastConsumer } from './message-finisher';

/**
 * What a consumer group does with a message; the delivery pipeline around it makes it run once. The mail
 * consumer answers what it sent, which the confirm keeps with its CONSUMED.
 */
export type MessageHandler = (message: OutgoingMessage) => Promise<SentMail | void>;

/**
 * The workflow hands the message itself to each consumer, as a broker would (encrypted in Temporal's
 * history), with every consumer group it was confirmed to, so that the last of them can finish it.
 */
export type DeliverActivity = (input: {
  message: OutgoingMessage;
  consumerGroups?: string[];
}) => Promise<DeliveryOutcome>;

/**
 * The consumer side of the reliable-message pattern (paascloud's @MqConsumerStore, docs/design.md), as one activity on the consumer's
 * task queue: confirm receipt (CONFIRMED, consumeCount + 1), claim the message atomically in Redis,
 * run the handler, mark it consumed (Redis for 10 days, the confirm CONSUMED), and, if every other
 * consumer group has consumed it too, move the message to FINISHED (./message-finisher.ts).
 *
 * The claim is a lease on the consumer's idempotency key (SET NX PX), as long as one attempt may run:
 * Temporal starts the next attempt only after the previous one failed or timed out, so a lease left
 * by a crashed attempt has lapsed by then and the delivery is retried. Once handled, the message is
 * marked consumed in Redis (replacing the lease) and in its confirm at once: either record alone stops
 * a retry. A crash after the SMTP server accepted the mail but before either is written therefore sends
 * it again: the system errs towards at-least-once there.
 */
export function createDeliverActivity(
  consumerGroup: string,
  handler: MessageHandler,
  redis: Redis,
  metrics: DeliveryMetrics,
): DeliverActivity {
  /** Consumed, by this attempt or an earlier one: the message is finished here if this is the last consumer. */
  const outcomeOf = async (
    message: OutgoingMessage,
    consumerGroups: string[] | undefined,
    outcome: DeliveryOutcome,
  ): Promise<DeliveryOutcome> => {
    const { messageKey } = message;
    try {
      return (await finishIfLastConsumer(redis, { messageKey, consumerGroup, consumerGroups })) ? 'finished' : outcome;
    } catch (err) {
      Context.current().log.warn('Consumed; the message is left for the workflow to finish', {
        messageKey,
        consumerGroup,
        error: (err as Error).message,
      });
      return outcome;
    }
  };

  return async function deliver({ message, consumerGroups }) {
    const { messageKey } = message;
    const _id = confirmId(messageKey, consumerGroup);
    const attempt = Context.current().info.attempt;
    const before = await auditedTransition(Confirm, _id, isNot(...CONSUMED_STATUSES), {
      $set: { status: 'CONFIRMED' },
      $inc: { consumeCount: 1 },
      $push: historyPush('CONFIRMED', `attempt ${attempt}`),
    });
    if (before && isConsumed(before.status)) return outcomeOf(message, consumerGroups, 'already-consumed');
    if (before === undefined) {
      throw ApplicationFailure.create({
        type: 'NO_CONFIRM',
        message: `${consumerGroup} has no confirm for ${messageKey}`,
        nonRetryable: true,
      });
    }

    // The claim: the idempotency key, if free, becomes this attempt's lease.
    const key = idempotencyKey(consumerGroup, messageKey);
    const lease = `attempt ${attempt}`;
    if (await redis.set(key, lease, 'PX', DELIVERY_ATTEMPT_TIMEOUT_MS, 'NX')) {
      let sent: SentMail | void;
      try {
        sent = await handler(message);
      } catch (err) {
        metrics.failed(message.tag, err);
        await Promise.allSettled([
          auditedUpdate(Confirm, _id, { $set: { lastError: (err as Error).message } }),
          releaseLease(redis, key, lease),
        ]);
        throw err;
      }
      metrics.delivered(message.tag);
      const handledAt = Date.now();
      // Handled: recorded in both stores at once, so that either one stops a retry from handling it again
      // when the other is down at this moment (a retry checks the confirm first, then the Redis mark).
      const [mark, consumed] = await Promise.allSettled([
        redis.set(key, CONSUMED_MARK, 'EX', CONSUMED_MARK_TTL_SECONDS),
        markConsumed(messageKey, consumerGroup, sent ?? undefined),
      ]);
      if (consumed.status === 'rejected') throw consumed.reason;
      if (mark.status === 'rejected') {
        Context.current().log.warn('Consumed, but the Redis mark could not be written; the confirm stands for it', {
          messageKey,
          consumerGroup,
          error: (mark.reason as Error).message,
        });
      }
      // Measured from the confirm's creation, read above: the message was confirmed (SENDING) milliseconds
      // after the request created it, so no read of the message is needed for a metric.
      if (before.createdAt) metrics.latency(message.tag, handledAt - before.createdAt.getTime());
      return mark.status === 'fulfilled' ? outcomeOf(message, consumerGroups, 'consumed') : 'consumed';
    }
    if ((await redis.get(key)) !== CONSUMED_MARK) {
      throw new Error(`another delivery of ${messageKey} to ${consumerGroup} is in progress`);
    }
    await markConsumed(messageKey, consumerGroup);
    return outcomeOf(message, consumerGroups, 'consumed');
  };
}

/** Consumed, and perhaps bounced or complained about since: a late attempt leaves it as it is. */
const isConsumed = (status: string) => (CONSUMED_STATUSES as readonly string[]).includes(status);

/**
 * CONSUMED, once: by the attempt that handled the message (with what it sent), or by a later one that
 * finds its Redis mark (which knows nothing of what was sent: the confirm then has no `sent`).
 */
function markConsumed(messageKey: string, consumerGroup: string, sent?: SentMail) {
  const _id = confirmId(messageKey, consumerGroup);
  const change = confirmChange(messageKey, consumerGroup, 'CONSUMED');
  return recordedTransition(Confirm, _id, isNot(...CONSUMED_STATUSES), change, sent ? { $set: { sent } } : {});
}

/** Frees the key for the next attempt, unless it no longer holds this attempt's lease. */
async function releaseLease(redis: Redis, key: string, lease: string): Promise<void> {
  if ((await redis.get(key)) === lease) await redis.del(key);
}
