import { Confirm, confirmId, isDuplicateKeyError, Message, Subscription } from '../domain/models';
import { confirmChange, messageChange } from '../domain/models/audit-transition';
import { auditedInsert, recordedTransition as transition } from '../domain/models/audit-writes';
import { is, isNot } from '../domain/models/transition';
import { CONSUMED_STATUSES, PRODUCER_GROUP, type Consumer, type OutgoingMessage } from '../domain/messaging';

/** Subscriptions change rarely and are read for every message: each worker keeps them for a few seconds. */
const SUBSCRIPTIONS_TTL_MS = 5_000;

/** The producer side of the reliable-message flow: the `messages` and `confirms` collections. */
export function createMessageActivities() {
  const cache = new Map<string, { at: number; consumers: Promise<Consumer[]> }>();
  const subscribers = (topic: string): Promise<Consumer[]> => {
    const cached = cache.get(topic);
    if (cached && Date.now() - cached.at < SUBSCRIPTIONS_TTL_MS) return cached.consumers;
    const consumers = Subscription.find({ topic }, { consumerGroup: 1, taskQueue: 1 })
      .sort({ consumerGroup: 1 })
      .lean()
      .then((subs) => subs.map((s) => ({ consumerGroup: s.consumerGroup, taskQueue: s.taskQueue })));
    cache.set(topic, { at: Date.now(), consumers });
    consumers.catch(() => cache.delete(topic));
    return consumers;
  };

  return {
    /** Pre-send record (WAIT_SEND), written before the local transaction. */
    async recordPendingMessage(message: OutgoingMessage): Promise<void> {
      try {
        const { messageKey, topic, tag, userId, workflowId, body } = message;
        await auditedInsert(Message, [
          {
            _id: messageKey,
            messageKey,
            topic,
            tag,
            producerGroup: PRODUCER_GROUP,
            userId,
            workflowId,
            body,
            status: 'WAIT_SEND',
            resendCount: 0,
            history: [{ status: 'WAIT_SEND', at: new Date() }],
          },
        ]);
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err; // recorded by an earlier attempt
      }
    },

    /** The local transaction failed for good: the message never goes out. */
    async cancelMessage({ messageKey, reason }: { messageKey: string; reason: string }): Promise<void> {
      await transition(
        Message,
        messageKey,
        is('WAIT_SEND'),
        messageChange(messageKey, 'CANCELLED', { detail: reason }),
      );
    },

    /** SENDING, with one UNCONFIRMED confirm per consumer group subscribed to the topic; returns those consumers. */
    async confirmMessage({ messageKey, topic }: { messageKey: string; topic: string }): Promise<Consumer[]> {
      const subscriptions = await subscribers(topic);
      if (subscriptions.length) {
        try {
          await auditedInsert(
            Confirm,
            subscriptions.map((s) => ({
              _id: confirmId(messageKey, s.consumerGroup),
              messageKey,
              consumerGroup: s.consumerGroup,
              status: 'UNCONFIRMED',
              consumeCount: 0,
              history: [{ status: 'UNCONFIRMED', at: new Date() }],
            })),
          );
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err; // created by an earlier attempt
        }
      }
      // The first SENDING; each resend's is another (markResent).
      await transition(Message, messageKey, is('WAIT_SEND'), messageChange(messageKey, 'SENDING', { repeat: [0] }));
      return subscriptions;
    },

    /**
     * A consumer exhausted its attempts: its confirm and the message become DEAD until an operator resends.
     * `round` is the resend that last revived this consumer (0 before any): the consumer dies at most
     * once per round, and the message is DEAD once per consumer and round.
     */
    async markDead(input: { messageKey: string; consumerGroup: string; error: string; round: number }): Promise<void> {
      const { messageKey, consumerGroup, error, round } = input;
      await transition(
        Confirm,
        confirmId(messageKey, consumerGroup),
        isNot(...CONSUMED_STATUSES),
        confirmChange(messageKey, consumerGroup, 'DEAD', { detail: error, repeat: [round] }),
        { $set: { lastError: error } },
      );
      await transition(
        Message,
        messageKey,
        is('SENDING', 'DEAD'),
        messageChange(messageKey, 'DEAD', { detail: consumerGroup, repeat: [consumerGroup, round] }),
        { $set: { lastError: `${consumerGroup}: ${error}` } },
      );
    },

    /**
     * An operator resent the message: the dead confirm is delivered afresh, and the message goes back to
     * SENDING (its resend counted) once per resend, by the first consumer it revives (`reviveMessage`;
     * histories from before it was passed mean true). `resend` numbers the operator's resends of this
     * message (from 1), so that each resend's SENDING and UNCONFIRMED are recorded once.
     */
    async markResent(input: {
      messageKey: string;
      consumerGroup: string;
      resend: number;
      reviveMessage?: boolean;
    }): Promise<void> {
      const { messageKey, consumerGroup, resend } = input;
      const resent = { detail: 'resent', repeat: [resend] };
      await transition(
        Confirm,
        confirmId(messageKey, consumerGroup),
        is('DEAD'),
        confirmChange(messageKey, consumerGroup, 'UNCONFIRMED', resent),
      );
      if (input.reviveMessage === false) return;
      await transition(Message, messageKey, is('DEAD'), messageChange(messageKey, 'SENDING', resent), {
        $inc: { resendCount: 1 },
      });
    },

    /** FINISHED: called once every consumer's delivery has returned, that is once every confirm is CONSUMED. */
    async finishMessage({ messageKey }: { messageKey: string }): Promise<void> {
      await finishSendingMessage(messageKey);
    },
  };
}

/**
 * SENDING → FINISHED, by the workflow's finishMessage or by the last consumer's delivery
 * (consumers/message-finisher.ts); answers the message's status and creation time as they were.
 */
export function finishSendingMessage(messageKey: string) {
  return transition(Message, messageKey, is('SENDING'), messageChange(messageKey, 'FINISHED'));
}
