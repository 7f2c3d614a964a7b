import { model, Schema } from 'mongoose';
import { CONFIRM_STATUSES, type ConfirmStatus, type SentMail } from '../messaging';
import { auditTrailFields, type AuditTrail } from './history';

export interface ConfirmDoc extends AuditTrail {
  /** `confirmId(messageKey, consumerGroup)`. */
  _id: string;
  messageKey: string;
  consumerGroup: string;
  status: ConfirmStatus;
  consumeCount: number;
  /**
   * The mail server's reply when it accepted the mail (`250 Ok: queued as …`), and the provider's id of
   * the mail read from it: provider events that name the mail by that id find this delivery by it.
   */
  smtpResponse?: string;
  providerMessageId?: string;
  /** What a provider last said of the accepted mail short of a final bounce: delivered, delayed, soft-bounced. */
  mailOutcome?: MailOutcome;
  /** The mail consumer's: what it sent, written with CONSUMED. */
  sent?: SentMail;
}

export interface MailOutcome {
  type: 'delivery' | 'delay' | 'soft-bounce';
  at: Date;
  diagnostic?: string;
}

const schema = new Schema<ConfirmDoc>(
  {
    _id: { type: String, required: true },
    messageKey: { type: String, required: true },
    consumerGroup: { type: String, required: true },
    status: { type: String, enum: CONFIRM_STATUSES, required: true },
    consumeCount: { type: Number, default: 0 },
    smtpResponse: String,
    providerMessageId: String,
    mailOutcome: { type: { type: String }, at: Date, diagnostic: String },
    sent: new Schema<SentMail>(
      { template: String, locale: String, templateVersion: String, subject: String },
      { _id: false },
    ),
    ...auditTrailFields,
  },
  { timestamps: true, versionKey: false },
);
schema.index({ messageKey: 1, consumerGroup: 1 }, { unique: true });
// A consumer group's messages, newest first, all or by status (the console's filter, its dead count and
// resend-all, the latest consumed mails of the overview's latency chart).
schema.index({ consumerGroup: 1, createdAt: -1, _id: -1 });
schema.index({ consumerGroup: 1, status: 1, createdAt: -1, _id: -1 });
schema.index({ providerMessageId: 1 });

export const Confirm = model<ConfirmDoc>('Confirm', schema, 'confirms');

export const confirmId = (messageKey: string, consumerGroup: string) => `${messageKey}/${consumerGroup}`;
