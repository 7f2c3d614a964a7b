import { SEND_EMAIL_TOPIC } from './messaging';

export const MAIL_CONSUMER = 'CID_OPC';
export const EVENTS_CONSUMER = 'CID_EVENTS';

/**
 * Subscriptions written at worker start-up (upserted: an operator may add more in MongoDB).
 * A topic may have several consumer groups; each gets its own confirm and its own delivery, on a task
 * queue of its own named after the deployment's main task queue.
 */
export function defaultSubscriptions(mainTaskQueue: string) {
  return [MAIL_CONSUMER, EVENTS_CONSUMER].map((consumerGroup) => ({
    topic: SEND_EMAIL_TOPIC,
    consumerGroup,
    taskQueue: `${mainTaskQueue}.${consumerGroup}`,
  }));
}
