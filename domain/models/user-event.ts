import { model, Schema } from 'mongoose';

/** What the CID_EVENTS consumer records: one event per message, the unique key making it idempotent. */
export interface UserEventDoc {
  messageKey: string;
  userId: string;
  type: string;
  createdAt: Date;
}

const schema = new Schema<UserEventDoc>(
  {
    messageKey: { type: String, required: true, unique: true },
    userId: { type: String, required: true, index: true },
    type: { type: String, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);

export const UserEvent = model<UserEventDoc>('UserEvent', schema, 'user_events');
