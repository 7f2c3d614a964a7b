import { SEND_EMAIL_TOPIC } from './messaging';

export const MAIL_CONSUMER = 'CID_OPC';
export const EVENTS_CONSUMER = 'CID_EVENTS';

/**
 * The consumer groups this product serves, and the topic each subscribes to: the one registry a worker
 * takes its handlers from (workers/consumers.ts must have a handler for each) and the subscriptions it
 * writes at start come from.
 */
export const CONSUMERS = [
  { consumerGroup: MAIL_CONSUMER, topic: SEND_EMAIL_TOPIC },
  { consumerGroup: EVENTS_CONSUMER, topic: SEND_EMAIL_TOPIC },
] as const;

export type ConsumerGroup = (typeof CONSUMERS)[number]['consumerGroup'];

/**
 * Subscriptions written at worker start-up (upserted). A topic may have several consumer groups; each
 * gets its own confirm and its own delivery, on a task queue of its own named after the deployment's
 * main task queue.
 */
export function defaultSubscriptions(mainTaskQueue: string) {
  return CONSUMERS.map(({ consumerGroup, topic }) => ({
    topic,
    consumerGroup,
    taskQueue: `${mainTaskQueue}.${consumerGroup}`,
  }));
}
