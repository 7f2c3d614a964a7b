import { Confirm, confirmId, isDuplicateKeyError, MailEventRecord } from '../../domain/models';
import type { MailEvent, MailEventSink, MailEventTarget } from '../../domain/mail-events';
import { logger } from '../../infra/logger';

/**
 * What an event does to the flow that sent the mail (BOUNCED, COMPLAINED, the workflow's signal, the
 * suppression list). Called after the event is recorded, once it succeeded per event: an event whose
 * application failed is applied again when the provider posts it again, so it must be idempotent.
 */
export type ApplyToFlow = (event: MailEvent, target: MailEventTarget) => Promise<unknown>;

/** `<messageKey.consumerGroup@reliable-signup>` → its delivery, as activities/consumers/mail.ts sets it. */
export function targetOfMessageId(messageId: string | undefined): MailEventTarget | undefined {
  const match = /^<?([^<>@\s]+)\.([A-Za-z0-9_-]+)@reliable-signup>?$/.exec(messageId?.trim() ?? '');
  return match ? { messageKey: match[1], consumerGroup: match[2] } : undefined;
}

/** The delivery an event is about: by the Message-ID the delivery set, or by the provider's id of the mail. */
async function findTarget(event: MailEvent): Promise<MailEventTarget | undefined> {
  const named = targetOfMessageId(event.messageId);
  if (named) {
    const confirm = await Confirm.exists({ _id: confirmId(named.messageKey, named.consumerGroup) });
    if (confirm) return named;
  }
  if (event.providerMessageId) {
    const confirm = await Confirm.findOne(
      { providerMessageId: event.providerMessageId },
      { messageKey: 1, consumerGroup: 1 },
    ).lean();
    if (confirm) return { messageKey: confirm.messageKey, consumerGroup: confirm.consumerGroup };
  }
  return undefined;
}

/**
 * The sink of verified events: each is recorded once in `mail_events` (a provider's retry or a replay is
 * a duplicate), matched to its delivery, and handed to `applyToFlow`. An event about a mail this deployment
 * did not send is recorded and logged, and changes nothing else.
 */
export function createMailEventSink(deps: { applyToFlow: ApplyToFlow }): MailEventSink {
  const apply = async (event: MailEvent, target: MailEventTarget) => {
    await deps.applyToFlow(event, target);
    await MailEventRecord.updateOne(
      { provider: event.provider, eventId: event.eventId },
      { $set: { appliedAt: new Date() } },
    );
  };
  return {
    async accept(event) {
      // The unique index must exist before the first insert counts on it.
      await MailEventRecord.init();
      const target = await findTarget(event);
      try {
        await MailEventRecord.create({ ...event, target });
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        const recorded = await MailEventRecord.findOne(
          { provider: event.provider, eventId: event.eventId },
          { target: 1, appliedAt: 1 },
        ).lean();
        // Recorded before, but its application failed then: this post is the retry of it.
        if (recorded?.target && !recorded.appliedAt) await apply(event, recorded.target);
        return 'duplicate';
      }
      if (!target) {
        logger.info(
          { provider: event.provider, eventId: event.eventId, type: event.type },
          'mail event for a mail this deployment did not send (or no longer knows)',
        );
        return 'unknown-message';
      }
      await apply(event, target);
      return 'recorded';
    },
  };
}
