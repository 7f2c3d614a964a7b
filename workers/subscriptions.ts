import { Subscription } from '../domain/models';
import { defaultSubscriptions } from '../domain/subscriptions';

/** Upserts the default subscriptions, so that a topic's consumers are known before its first message. */
export async function seedSubscriptions(mainTaskQueue: string): Promise<void> {
  await Promise.all(
    defaultSubscriptions(mainTaskQueue).map((s) =>
      Subscription.updateOne(
        { topic: s.topic, consumerGroup: s.consumerGroup },
        { $set: { taskQueue: s.taskQueue } },
        { upsert: true },
      ),
    ),
  );
}
