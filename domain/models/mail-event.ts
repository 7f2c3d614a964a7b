import { model, Schema } from 'mongoose';
import { MAIL_EVENT_PROVIDERS, MAIL_EVENT_TYPES, type MailEvent } from '../mail-events';

/**
 * One provider event as recorded (`mail_events`): once per provider and event id, with the delivery it
 * names when it names one this deployment made.
 */
export interface MailEventRecordDoc extends MailEvent {
  messageKey?: string;
  consumerGroup?: string;
}

const schema = new Schema<MailEventRecordDoc>(
  {
    provider: { type: String, enum: MAIL_EVENT_PROVIDERS, required: true },
    eventId: { type: String, required: true },
    type: { type: String, enum: MAIL_EVENT_TYPES, required: true },
    bounceType: { type: String, enum: ['hard', 'soft'] },
    messageId: String,
    providerMessageId: String,
    recipient: { type: String, required: true },
    diagnostic: String,
    at: { type: Date, required: true },
    messageKey: String,
    consumerGroup: String,
  },
  { versionKey: false, timestamps: { createdAt: true, updatedAt: false } },
);
// A duplicate of an event is recorded once.
schema.index({ provider: 1, eventId: 1 }, { unique: true });
// A delivery's events, for the console's message page.
schema.index({ messageKey: 1, at: 1 });
// An address's recent soft bounces: enough of them within the window count as a hard bounce.
schema.index({ recipient: 1, type: 1, at: -1 });

export const MailEventRecord = model<MailEventRecordDoc>('MailEventRecord', schema, 'mail_events');
