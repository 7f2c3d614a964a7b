import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { MailEvent, MailEventTarget } from '../../domain/mail-events';
import type { MailOutcomeKind } from '../../domain/mail-outcomes';
import { ACTIVE_USER, ACTIVE_USER_REMINDER } from '../../domain/messaging';
import { Confirm, confirmId, MailEventRecord, Message } from '../../domain/models';
import { confirmChange, messageChange } from '../../domain/models/audit-transition';
import { recordedTransition } from '../../domain/models/audit-writes';
import type { SuppressionReason } from '../../domain/models/suppression';
import { is } from '../../domain/models/transition';
import { normaliseEmail } from '../../domain/users';
import { logger } from '../../infra/logger';
import { mailRefusedSignal, type MailRefused } from '../../workflows/mail-outcome-signal';
import { suppress } from '../../domain/suppression-list';

export interface MailOutcomesDeps {
  /** Tells the workflow that sent a mail that it bounced or was complained about. */
  signal: (workflowId: string, refused: MailRefused) => Promise<void>;
  /** This many soft bounces of one address within the window count as a hard bounce. */
  softBouncesAsHard: number;
  softBounceWindowSeconds: number;
  counted: (outcome: MailOutcomeKind) => void;
}

export type ApplyToFlow = (event: MailEvent, target: MailEventTarget) => Promise<MailOutcomeKind | undefined>;

/**
 * What a provider's report about an accepted mail does to the flow that sent it (docs/mail-outcomes.md),
 * once the event is recorded in `mail_events` (once per provider event id) and found to name one of this
 * deployment's deliveries:
 * - a hard bounce, a complaint, or the soft bounce that makes enough of them within the window: the
 *   delivery's confirm and the message become BOUNCED or COMPLAINED (audited, with the diagnostic), the
 *   address is suppressed, and the registration that sent an activation mail is signalled;
 * - a soft bounce or a delay: recorded on the confirm (`mailOutcome`), shown as delayed;
 * - a delivery: recorded on the confirm, shown as delivered.
 * Safe to repeat: every change is guarded by the state it starts from, and claimed once.
 */
export function createMailOutcomes(deps: MailOutcomesDeps): { applyToFlow: ApplyToFlow } {
  async function refused(
    event: MailEvent,
    target: MailEventTarget,
    outcome: 'BOUNCED' | 'COMPLAINED',
    reason: SuppressionReason,
    diagnostic: string,
  ): Promise<boolean> {
    const { messageKey, consumerGroup } = target;
    const message = await Message.findById(messageKey, { workflowId: 1, tag: 1, body: 1 }).lean();
    if (!message) return false;
    await recordedTransition(
      Confirm,
      confirmId(messageKey, consumerGroup),
      is('CONSUMED'),
      confirmChange(messageKey, consumerGroup, outcome, { detail: diagnostic }),
      { $set: { lastError: diagnostic } },
    );
    await recordedTransition(
      Message,
      messageKey,
      is('SENDING', 'FINISHED'),
      messageChange(messageKey, outcome, { detail: `${consumerGroup}: ${diagnostic}` }),
      { $set: { lastError: `${consumerGroup}: ${diagnostic}` } },
    );
    await suppress({
      email: message.body.email || event.recipient,
      reason,
      event: { provider: event.provider, eventId: event.eventId, messageKey, diagnostic },
      at: event.at,
    });
    if (message.tag === ACTIVE_USER || message.tag === ACTIVE_USER_REMINDER)
      await deps.signal(message.workflowId, { messageKey, outcome });
    return true;
  }

  /** The provider's view short of a final bounce, kept on the confirm unless a later one is there already. */
  async function noted(target: MailEventTarget, type: 'delivery' | 'delay' | 'soft-bounce', event: MailEvent) {
    await Confirm.collection.updateOne(
      {
        _id: confirmId(target.messageKey, target.consumerGroup) as never,
        status: 'CONSUMED',
        $or: [{ mailOutcome: { $exists: false } }, { 'mailOutcome.at': { $lte: event.at } }],
      },
      {
        $set: {
          mailOutcome: { type, at: event.at, ...(event.diagnostic ? { diagnostic: event.diagnostic } : {}) },
          updatedAt: new Date(),
        },
      },
    );
  }

  /** How many soft bounces of this address the window holds, this one included (it is recorded already). */
  async function recentSoftBounces(event: MailEvent): Promise<number> {
    const since = new Date(event.at.getTime() - deps.softBounceWindowSeconds * 1000);
    // The address as the provider wrote it, or as this deployment writes addresses.
    const recipients = [...new Set([event.recipient, normaliseEmail(event.recipient)])];
    return MailEventRecord.countDocuments({
      recipient: { $in: recipients },
      type: 'bounce',
      bounceType: 'soft',
      at: { $gte: since, $lte: event.at },
    });
  }

  async function apply(event: MailEvent, target: MailEventTarget): Promise<MailOutcomeKind | undefined> {
    const diagnostic =
      event.diagnostic?.trim() || `${event.provider} reported a ${event.bounceType ?? ''} ${event.type}`;
    switch (event.type) {
      case 'complaint':
        return (await refused(event, target, 'COMPLAINED', 'complaint', diagnostic)) ? 'complaint' : undefined;
      case 'bounce': {
        if (event.bounceType !== 'soft') {
          return (await refused(event, target, 'BOUNCED', 'hard-bounce', diagnostic)) ? 'hard-bounce' : undefined;
        }
        const count = await recentSoftBounces(event);
        if (count >= deps.softBouncesAsHard) {
          const hours = Math.round(deps.softBounceWindowSeconds / 3600);
          const summary = `${count} soft bounces within ${hours} h; the last: ${diagnostic}`;
          return (await refused(event, target, 'BOUNCED', 'soft-bounces', summary))
            ? 'soft-bounces-as-hard'
            : undefined;
        }
        await noted(target, 'soft-bounce', event);
        return 'soft-bounce';
      }
      case 'delay':
        await noted(target, 'delay', event);
        return 'delay';
      case 'delivery':
        await noted(target, 'delivery', event);
        return 'delivery';
    }
  }

  return {
    async applyToFlow(event, target) {
      const outcome = await apply(event, target);
      if (outcome) deps.counted(outcome);
      else
        logger.info({ ...target, provider: event.provider, type: event.type }, 'mail event for a message that is gone');
      return outcome;
    },
  };
}

/** Signals through Temporal; a workflow that has ended (or never ran) has nothing left to stop. */
export function temporalSignal(client: Client): MailOutcomesDeps['signal'] {
  return async (workflowId, refused) => {
    try {
      await client.workflow.getHandle(workflowId).signal(mailRefusedSignal, refused);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  };
}
