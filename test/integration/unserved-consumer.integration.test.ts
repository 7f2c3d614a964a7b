/**
 * A subscription to a consumer group that no worker serves (added in MongoDB by an operator): the worker
 * reports it at start, a delivery that no worker takes within DELIVERY_PICKUP_TIMEOUT_SECONDS makes the
 * confirm and the message DEAD with the task queue named, and once a consumer polls that queue the
 * operator's resend finishes the message — without sending the mail that already went out again.
 */
import { noopMetricMeter } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import mongoose from 'mongoose';
import { createDeliverActivity } from '../../activities/consumers/delivery';
import { loadConfig } from '../../config';
import { SEND_EMAIL_TOPIC } from '../../domain/messaging';
import { Subscription } from '../../domain/models';
import { createDeliveryMetrics } from '../../infra/delivery-metrics';
import { createRedis } from '../../infra/redis';
import { dataConverter } from '../../infra/temporal';
import { startApp, type RunningApp } from '../setup/app';
import { eventually } from '../setup/http';
import { mailTo, waitForMail } from '../setup/mailbox';
import { signupClient } from '../setup/signup';

/** Two consumer groups no worker of the app serves. */
const GROUPS = ['CID_AUDIT', 'CID_ARCHIVE'];
const GROUP = GROUPS[0];
let app: RunningApp;
let client: ReturnType<typeof signupClient>;
let taskQueue: string;
const queueOf = (group: string) => `${app.env.TEMPORAL_TASK_QUEUE}.${group}`;

beforeAll(async () => {
  app = await startApp({ ADMIN_TOKEN: 'unserved-admin', DELIVERY_PICKUP_TIMEOUT_SECONDS: '3' });
  client = signupClient(app.baseUrl, 'unserved-admin');
  taskQueue = queueOf(GROUP);
  await mongoose.connect(app.env.MONGODB_URI!);
  for (const group of GROUPS) {
    await Subscription.create({ topic: SEND_EMAIL_TOPIC, consumerGroup: group, taskQueue: queueOf(group) });
  }
});
afterAll(async () => {
  await mongoose.disconnect();
  await app?.stop();
});

test('a worker reports, at start, a subscription to a group it does not serve', async () => {
  await app.restartWorker();
  await eventually(async () => /does not serve/.test(app.worker.logTail(50)) || undefined, 'the report', 10_000);
  const report = app.worker
    .logTail(50)
    .split('\n')
    .find((line) => line.includes('does not serve'));
  expect(JSON.parse(report!)).toMatchObject({ consumerGroup: GROUP, taskQueue });
});

test('deliveries no worker takes go DEAD naming their task queues; one resend, once consumers poll them, revives both, counts once, and finishes', async () => {
  const user = client.newUser();
  const userId = await client.register(user);

  type ConfirmView = { consumerGroup: string; status: string; lastError?: string };
  const confirmsOf = (message: { confirms: ConfirmView[] }) =>
    Object.fromEntries(message.confirms.map((c) => [c.consumerGroup, c]));
  const dead = await client.messageWith(userId, 'ACTIVE_USER', 'DEAD', 60_000);
  // The message is DEAD with the first dead confirm; the other follows.
  const byGroup = await eventually(async () => {
    const detail = await client.api('GET', `/api/messages/${dead.messageKey}`, { headers: client.admin });
    const confirms = confirmsOf(detail.body);
    return GROUPS.every((g) => confirms[g]?.status === 'DEAD') && confirms;
  }, 'both unserved confirms to be DEAD');
  for (const group of GROUPS) {
    expect(byGroup[group].status).toBe('DEAD');
    expect(byGroup[group].lastError).toContain(`task queue ${queueOf(group)}`);
  }
  expect(byGroup.CID_OPC.status).toBe('CONSUMED');
  await waitForMail(user.email);

  const handled: string[] = [];
  const config = loadConfig(app.env);
  const redis = createRedis(config.redis);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const consumerFor = async (group: string) =>
    Worker.create({
      connection,
      taskQueue: queueOf(group),
      dataConverter: dataConverter(config),
      activities: {
        deliver: createDeliverActivity(
          group,
          async (message) => {
            handled.push(`${group}:${message.messageKey}`);
          },
          redis,
          createDeliveryMetrics(noopMetricMeter, group),
        ),
      },
    });
  try {
    const [audit, archive] = await Promise.all(GROUPS.map(consumerFor));
    const both = (fn: () => Promise<void>) => audit.runUntil(() => archive.runUntil(fn));
    await both(async () => {
      const resent = await client.retryingUnavailable('POST', `/api/messages/${dead.messageKey}/resend`, {
        headers: client.admin,
      });
      expect(resent.status).toBe(202);
      const finished = await client.messageWith(userId, 'ACTIVE_USER', 'FINISHED');
      expect(finished.resendCount).toBe(1);
      for (const group of GROUPS) expect(confirmsOf(finished)[group].status).toBe('CONSUMED');
    });
  } finally {
    await connection.close();
    redis.disconnect();
  }
  expect(handled.sort()).toEqual(GROUPS.map((g) => `${g}:${dead.messageKey}`).sort());
  expect(await mailTo(user.email)).toHaveLength(1);
});
