import { model, Schema } from 'mongoose';
import { MESSAGE_STATUSES, type MailBody, type MessageStatus } from '../messaging';
import { auditTrailFields, type AuditTrail } from './history';

export interface MessageDoc extends AuditTrail {
  /** The message key: lookups by _id are the cheap ones on every MongoDB-wire server. */
  _id: string;
  messageKey: string;
  topic: string;
  tag: string;
  producerGroup: string;
  userId: string;
  workflowId: string;
  body: MailBody;
  status: MessageStatus;
  resendCount: number;
}

const schema = new Schema<MessageDoc>(
  {
    _id: { type: String, required: true },
    messageKey: { type: String, required: true, unique: true },
    topic: { type: String, required: true },
    tag: { type: String, required: true },
    producerGroup: { type: String, required: true },
    userId: { type: String, required: true },
    workflowId: { type: String, required: true },
    body: { type: Schema.Types.Mixed, required: true },
    status: { type: String, enum: MESSAGE_STATUSES, required: true },
    resendCount: { type: Number, default: 0 },
    ...auditTrailFields,
  },
  { timestamps: true, versionKey: false },
);
// The audit trail's pages (api/services/messages.ts), newest first: each filter the console offers is an
// equality prefix of one index, so a page reads `limit + 1` index keys. Status with topic uses the status
// index and filters the few topics.
schema.index({ createdAt: -1, _id: -1 });
schema.index({ status: 1, createdAt: -1, _id: -1 });
schema.index({ topic: 1, createdAt: -1, _id: -1 });
schema.index({ userId: 1, createdAt: -1, _id: -1 });
// Retention (activities/retention.ts): the final messages last changed before the cutoff, oldest first,
// a batch at a time. Without it each batch reads every FINISHED message, most of the collection, and sorts them.
schema.index({ status: 1, updatedAt: 1 });

export const Message = model<MessageDoc>('Message', schema, 'messages');
