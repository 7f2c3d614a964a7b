import { Subscription } from '../domain/models';
import { defaultSubscriptions } from '../domain/subscriptions';
import { logger } from '../infra/logger';

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

/**
 * Subscriptions (added in MongoDB, say) whose task queue no worker of this deployment polls: reported at
 * start, because their deliveries wait there until the pickup timeout makes the message DEAD — unless
 * another deployment serves that queue.
 */
export async function reportUnservedSubscriptions(servedTaskQueues: string[]): Promise<void> {
  const subscriptions = await Subscription.find({}, { topic: 1, consumerGroup: 1, taskQueue: 1 }).lean();
  const unserved = subscriptions.filter((s) => !servedTaskQueues.includes(s.taskQueue));
  for (const s of unserved) {
    logger.warn(
      { topic: s.topic, consumerGroup: s.consumerGroup, taskQueue: s.taskQueue },
      'subscription to a consumer group this worker does not serve: unless another deployment polls its task queue, its deliveries go DEAD after DELIVERY_PICKUP_TIMEOUT_SECONDS',
    );
  }
}
