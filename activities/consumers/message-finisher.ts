import type Redis from 'ioredis';
import { CONSUMED_MARK, CONSUMED_MARK_TTL_SECONDS, finisherKey, idempotencyKey } from '../../domain/delivery';
import { finishSendingMessage } from '../messages';

export interface FinishCheck {
  messageKey: string;
  /** The consumer group of this delivery. */
  consumerGroup: string;
  /** Every consumer group the message was confirmed to; absent when the workflow finishes the message itself. */
  consumerGroups?: string[];
}

/**
 * Whether this delivery finished the message: once every consumer group's CONSUMED mark is in Redis,
 * the first delivery to see that claims the finish (SET NX, so two deliveries that both see it cannot
 * both write) and moves the message SENDING → FINISHED. This saves the workflow a step of its own
 * after the last delivery. The marks are written before they are read, so of two deliveries finishing
 * at the same moment at least one sees both marks. Whenever this answers false (a mark missing, Redis
 * unreachable, the message no longer SENDING), the workflow finishes the message itself, after every
 * delivery has returned: the message is finished once either way.
 */
export async function finishIfLastConsumer(redis: Redis, check: FinishCheck): Promise<boolean> {
  const { messageKey, consumerGroup, consumerGroups } = check;
  if (!consumerGroups?.length || !consumerGroups.includes(consumerGroup)) return false;
  const marks = await redis.mget(consumerGroups.map((group) => idempotencyKey(group, messageKey)));
  if (!marks.every((mark) => mark === CONSUMED_MARK)) return false;
  const claim = finisherKey(messageKey);
  const claimed =
    (await redis.set(claim, consumerGroup, 'EX', CONSUMED_MARK_TTL_SECONDS, 'NX')) !== null ||
    (await redis.get(claim)) === consumerGroup; // claimed by an earlier attempt of this delivery
  if (!claimed) return false;
  const before = await finishSendingMessage(messageKey);
  return before?.status === 'SENDING' || before?.status === 'FINISHED';
}
