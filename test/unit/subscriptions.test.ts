/**
 * The default subscriptions (domain/subscriptions.ts) the worker writes at start: the activation and
 * success mails' topic goes to the mail consumer and the events consumer, each on a task queue of its
 * own named after the deployment's main task queue, so two deployments never take each other's work.
 */
import { SEND_EMAIL_TOPIC } from '../../domain/messaging';
import { defaultSubscriptions, EVENTS_CONSUMER, MAIL_CONSUMER } from '../../domain/subscriptions';

describe('defaultSubscriptions', () => {
  it('subscribe CID_OPC (mail) and CID_EVENTS (events) to SEND_EMAIL_TOPIC', () => {
    expect([MAIL_CONSUMER, EVENTS_CONSUMER]).toEqual(['CID_OPC', 'CID_EVENTS']);
    expect(defaultSubscriptions('reliable-signup')).toEqual([
      { topic: SEND_EMAIL_TOPIC, consumerGroup: 'CID_OPC', taskQueue: 'reliable-signup.CID_OPC' },
      { topic: SEND_EMAIL_TOPIC, consumerGroup: 'CID_EVENTS', taskQueue: 'reliable-signup.CID_EVENTS' },
    ]);
  });

  it('give each consumer group a task queue of its own, apart from the main one', () => {
    const queues = defaultSubscriptions('reliable-signup').map((s) => s.taskQueue);
    expect(new Set(queues).size).toBe(queues.length);
    expect(queues).not.toContain('reliable-signup');
  });

  it("follow the deployment's task queue, so two deployments do not share a consumer queue", () => {
    const a = defaultSubscriptions('signup-a').map((s) => s.taskQueue);
    const b = defaultSubscriptions('signup-b').map((s) => s.taskQueue);
    expect(a.filter((q) => b.includes(q))).toEqual([]);
    expect(a.every((q) => q.startsWith('signup-a.'))).toBe(true);
  });
});
