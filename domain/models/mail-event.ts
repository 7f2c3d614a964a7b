import { model, Schema } from 'mongoose';
import { MAIL_EVENT_PROVIDERS, MAIL_EVENT_TYPES, type MailEvent, type MailEventTarget } from '../mail-events';

/**
 * A provider's event about a mail, once (unique on provider + eventId), with the delivery it was matched
 * to (none for a mail this deployment did not send) and when it was applied to that delivery's flow.
 */
export interface MailEventDoc extends MailEvent {
  target?: MailEventTarget;
  appliedAt?: Date;
  createdAt: Date;
}

const schema = new Schema<MailEventDoc>(
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
    target: { type: new Schema({ messageKey: String, consumerGroup: String }, { _id: false }), default: undefined },
    appliedAt: Date,
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
schema.index({ provider: 1, eventId: 1 }, { unique: true });
// A delivery's events, in order (the console's message page).
schema.index({ 'target.messageKey': 1, at: 1 });
// An address's recent soft bounces: enough of them within the window count as a hard bounce
// (api/services/mail-outcomes.ts).
schema.index({ recipient: 1, type: 1, at: -1 });

export const MailEventRecord = model<MailEventDoc>('MailEvent', schema, 'mail_events');
