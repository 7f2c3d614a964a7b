import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  defineSignal,
  proxyActivities,
  setHandler,
  TimeoutFailure,
} from '@temporalio/workflow';
import type { DeliverActivity } from '../activities';
import { DELIVERY_ATTEMPT_TIMEOUT_MS, type DeliveryOutcome } from '../domain/delivery';
import type { Consumer, OutgoingMessage } from '../domain/messaging';
import { bookkeeping } from './activity-proxies';

/** An operator's resend of a DEAD message (roncoo-pay's reSendMessageByMessageId). */
export const resendSignal = defineSignal<[{ messageKey: string }]>('resendMessage');

export interface DeliveryPolicy {
  /** Attempts per consumer before its confirm and the message become DEAD. */
  maxAttempts: number;
  /**
   * How long an attempt may wait on the consumer's task queue for a worker to take it; past it the
   * confirm and the message become DEAD, with the task queue named. Unbounded when absent.
   */
  pickupTimeoutSeconds?: number;
}

/** Told when a message becomes DEAD, SENDING again after a resend, or FINISHED. */
export type StatusListener = (messageKey: string, status: 'SENDING' | 'DEAD' | 'FINISHED') => void;

/** Told when one consumer has consumed a message (for the mail consumer: the SMTP server accepted the mail). */
export type ConsumedListener = (messageKey: string, consumerGroup: string) => void;

/**
 * Told when one consumer's delivery of a message has become DEAD, with the type of the failure that
 * ended its attempts (SUPPRESSED, SMTP_REJECTED, …; none for a timeout or an untyped error).
 */
export type DeadListener = (messageKey: string, consumerGroup: string, failureType: string | undefined) => void;

/**
 * The workflow side of the reliable-message flow after the local transaction: confirm the message
 * (SENDING + one confirm per subscribed consumer), deliver it to every consumer on its own task queue,
 * FINISHED when all have consumed it: by the last consumer's delivery, or here if none of them did
 * (see activities/consumers/message-finisher.ts). A consumer that exhausts its attempts makes the message DEAD,
 * and the flow waits, durably and without polling, for an operator's resend.
 */
export class ReliableMessages {
  private readonly resent = new Set<string>();
  /** Per message: how many resends arrived, and which of them has already moved the message DEAD → SENDING. */
  private readonly resends = new Map<string, number>();
  private readonly revived = new Map<string, number>();

  constructor(
    private readonly policy: DeliveryPolicy,
    private readonly onStatus: StatusListener = () => undefined,
    private readonly onConsumed: ConsumedListener = () => undefined,
    private readonly onDead: DeadListener = () => undefined,
  ) {
    setHandler(resendSignal, (request) => {
      // A signal sent by hand without a message key must not fail the workflow task: it is ignored.
      const messageKey: unknown = request?.messageKey;
      if (typeof messageKey !== 'string') return;
      this.resent.add(messageKey);
      this.resends.set(messageKey, (this.resends.get(messageKey) ?? 0) + 1);
    });
  }

  /** Delivers the message to its consumers: `confirmed` when the caller has confirmed it already, for these. */
  async deliver(message: OutgoingMessage, confirmed?: Consumer[]): Promise<void> {
    const { messageKey } = message;
    // The caller reports SENDING together with its own step, to save a history event.
    const consumers = confirmed ?? (await bookkeeping.confirmMessage({ messageKey, topic: message.topic }));
    const consumerGroups = consumers.map((consumer) => consumer.consumerGroup);
    const outcomes = await Promise.all(
      consumers.map(async (consumer) => {
        const outcome = await this.deliverTo(consumer, message, consumerGroups);
        this.onConsumed(messageKey, consumer.consumerGroup);
        return outcome;
      }),
    );
    // Every delivery returned, so every confirm is CONSUMED. Unless the last consumer has finished the
    // message (a delivery of an earlier version never does), it is finished here. Histories recorded
    // before consumers finished messages hold no 'finished' outcome, so they replay as they ran.
    if (!outcomes.includes('finished')) await bookkeeping.finishMessage({ messageKey });
    this.onStatus(messageKey, 'FINISHED');
  }

  private async deliverTo(
    consumer: Consumer,
    message: OutgoingMessage,
    consumerGroups: string[],
  ): Promise<DeliveryOutcome> {
    const { messageKey } = message;
    const { deliver } = proxyActivities<{ deliver: DeliverActivity }>({
      taskQueue: consumer.taskQueue,
      startToCloseTimeout: DELIVERY_ATTEMPT_TIMEOUT_MS,
      ...(this.policy.pickupTimeoutSeconds ? { scheduleToStartTimeout: this.policy.pickupTimeoutSeconds * 1000 } : {}),
      retry: {
        initialInterval: '1s',
        backoffCoefficient: 2,
        maximumInterval: '5m',
        maximumAttempts: this.policy.maxAttempts,
      },
    });
    // The resend that last revived this consumer (0 before any): it names the consumer's DEAD in the trail.
    let round = 0;
    for (;;) {
      try {
        return await deliver({ message, consumerGroups });
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        const unclaimed = err.cause instanceof TimeoutFailure && err.cause.timeoutType === 'SCHEDULE_TO_START';
        const error = unclaimed
          ? `no worker took the delivery from task queue ${consumer.taskQueue} within ${this.policy.pickupTimeoutSeconds} s`
          : (err.cause?.message ?? err.message);
        this.resent.delete(messageKey);
        await bookkeeping.markDead({ messageKey, consumerGroup: consumer.consumerGroup, error, round });
        this.onStatus(messageKey, 'DEAD');
        const failureType = err.cause instanceof ApplicationFailure ? (err.cause.type ?? undefined) : undefined;
        this.onDead(messageKey, consumer.consumerGroup, failureType);
        await condition(() => this.resent.has(messageKey));
        // One resend may revive several dead consumers at once: the first of them counts the resend.
        const resend = this.resends.get(messageKey) ?? 0;
        const reviveMessage = this.revived.get(messageKey) !== resend;
        this.revived.set(messageKey, resend);
        await bookkeeping.markResent({ messageKey, consumerGroup: consumer.consumerGroup, resend, reviveMessage });
        round = resend;
        this.onStatus(messageKey, 'SENDING');
      }
    }
  }
}
