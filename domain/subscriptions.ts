import { SEND_EMAIL_TOPIC } from './messaging';

export const MAIL_CONSUMER = 'CID_OPC';
export const EVENTS_CONSUMER = 'CID_EVENTS';

/**
 * Subscriptions written at worker start-up (upserted: an operator may add more in MongoDB).
 * A topic may have several consumer groups; each gets its own confirm and its own delivery.
 */
export const defaultSubscriptions = [
  { topic: SEND_EMAIL_TOPIC, consumerGroup: MAIL_CONSUMER, taskQueue: 'consumer-CID_OPC' },
  { topic: SEND_EMAIL_TOPIC, consumerGroup: EVENTS_CONSUMER, taskQueue: 'consumer-CID_EVENTS' },
];
