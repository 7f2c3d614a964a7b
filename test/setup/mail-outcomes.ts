import mongoose from 'mongoose';
import { randomUUID } from 'node:crypto';
import { createMailOutcomes, temporalSignal } from '../../api/services/mail-outcomes';
import { loadConfig } from '../../config';
import type { MailEvent } from '../../domain/mail-events';
import type { MailOutcomeKind } from '../../domain/mail-outcomes';
import { MailEventRecord } from '../../domain/models';
import { MAIL_CONSUMER } from '../../domain/subscriptions';
import { createTemporalClient } from '../../infra/temporal';
import type { RunningApp } from './app';

/**
 * A mail provider's report about one of the app's mails, as the webhooks hand it on: recorded in
 * `mail_events` (what the webhook side does first), then applied to the flow with the app's own
 * `applyToFlow`, in this test process, against the app's database and Temporal.
 */
export async function mailProvider(app: RunningApp) {
  const config = loadConfig(app.env);
  const connection = await mongoose.connect(app.env.MONGODB_URI!);
  const client = createTemporalClient(config);
  const counted: MailOutcomeKind[] = [];
  const { applyToFlow } = createMailOutcomes({
    signal: temporalSignal(client),
    ...config.mailOutcomes,
    counted: (outcome) => counted.push(outcome),
  });
  return {
    counted,
    /** Reports `event` about the mail consumer's delivery of `messageKey`; answers what it did. */
    async report(messageKey: string, event: Partial<MailEvent> & Pick<MailEvent, 'type' | 'recipient'>) {
      const full: MailEvent = {
        provider: 'generic',
        eventId: randomUUID(),
        messageId: `<${messageKey}.${MAIL_CONSUMER}@reliable-signup>`,
        at: new Date(),
        ...event,
      };
      const target = { messageKey, consumerGroup: MAIL_CONSUMER };
      await MailEventRecord.create({ ...full, target });
      return applyToFlow(full, target);
    },
    async close() {
      await client.connection.close();
      await connection.disconnect();
    },
  };
}
