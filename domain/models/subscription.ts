import { model, Schema } from 'mongoose';

export interface SubscriptionDoc {
  topic: string;
  consumerGroup: string;
  taskQueue: string;
}

const schema = new Schema<SubscriptionDoc>(
  {
    topic: { type: String, required: true },
    consumerGroup: { type: String, required: true },
    taskQueue: { type: String, required: true },
  },
  { timestamps: true, versionKey: false },
);
schema.index({ topic: 1, consumerGroup: 1 }, { unique: true });

export const Subscription = model<SubscriptionDoc>('Subscription', schema, 'subscriptions');
