import { Confirm, confirmId, isDuplicateKeyError, Message, Subscription } from '../domain/models';
import { auditedInsert, auditedTransition as transition, auditedUpdate } from '../domain/models/audit-writes';
import { historyPush } from '../domain/models/history';
import { is, isNot } from '../domain/models/transition';
import { PRODUCER_GROUP, type Consumer, type OutgoingMessage } from '../domain/messaging';

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
      await transition(Message, messageKey, is('WAIT_SEND'), {
        $set: { status: 'CANCELLED' },
        $push: historyPush('CANCELLED', reason),
      });
    },

    /** SENDING, with one UNCONFIRMED confirm per consumer group subscribed to the topic; returns those consumers. */
    async confirmMessage({ messageKey, topic }: { messageKey: string; topic: string }): Promise<Consumer[]> {
      const subscriptions = await subscribers(topic);
      let firstAttempt = false;
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
          firstAttempt = true;
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err; // created by an earlier attempt
        }
      }
      const toSending = { $set: { status: 'SENDING' }, $push: historyPush('SENDING') };
      // Every confirm was new, so no earlier attempt got as far as the message: it is still WAIT_SEND, as
      // the workflow left it, and the update needs no read first. Otherwise the status is checked.
      if (firstAttempt) await auditedUpdate(Message, messageKey, toSending);
      else await transition(Message, messageKey, is('WAIT_SEND'), toSending);
      return subscriptions;
    },

    /** A consumer exhausted its attempts: its confirm and the message become DEAD until an operator resends. */
    async markDead(input: { messageKey: string; consumerGroup: string; error: string }): Promise<void> {
      await transition(Confirm, confirmId(input.messageKey, input.consumerGroup), isNot('CONSUMED'), {
        $set: { status: 'DEAD', lastError: input.error },
        $push: historyPush('DEAD', input.error),
      });
      await transition(Message, input.messageKey, is('SENDING', 'DEAD'), {
        $set: { status: 'DEAD', lastError: `${input.consumerGroup}: ${input.error}` },
        $push: historyPush('DEAD', input.consumerGroup),
      });
    },

    /**
     * An operator resent the message: the dead confirm is delivered afresh, and the message goes back to
     * SENDING (its resend counted) once per resend, by the first consumer it revives (`reviveMessage`;
     * histories from before it was passed mean true).
     */
    async markResent(input: { messageKey: string; consumerGroup: string; reviveMessage?: boolean }): Promise<void> {
      await transition(Confirm, confirmId(input.messageKey, input.consumerGroup), is('DEAD'), {
        $set: { status: 'UNCONFIRMED' },
        $push: historyPush('UNCONFIRMED', 'resent'),
      });
      if (input.reviveMessage === false) return;
      await transition(Message, input.messageKey, is('DEAD'), {
        $set: { status: 'SENDING' },
        $inc: { resendCount: 1 },
        $push: historyPush('SENDING', 'resent'),
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
  return transition(Message, messageKey, is('SENDING'), {
    $set: { status: 'FINISHED' },
    $push: historyPush('FINISHED'),
  });
}
