/**
 * A subscription to a consumer group that no worker serves (added in MongoDB by an operator): the worker
 * reports it at start, a delivery that no worker takes within DELIVERY_PICKUP_TIMEOUT_SECONDS makes the
 * confirm and the message DEAD with the task queue named, and once a consumer polls that queue the
 * operator's resend finishes the message — without sending the mail that already went out again.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import mongoose from 'mongoose';
import { createDeliverActivity } from '../../activities/consumers/delivery';
import { loadConfig } from '../../config';
import { SEND_EMAIL_TOPIC } from '../../domain/messaging';
import { Subscription } from '../../domain/models';
import { createRedis } from '../../infra/redis';
import { dataConverter } from '../../infra/temporal';
import { startApp, type RunningApp } from '../setup/app';
import { eventually } from '../setup/http';
import { mailTo, waitForMail } from '../setup/mailbox';
import { signupClient } from '../setup/signup';

const GROUP = 'CID_AUDIT';
let app: RunningApp;
let client: ReturnType<typeof signupClient>;
let taskQueue: string;

beforeAll(async () => {
  app = await startApp({ ADMIN_TOKEN: 'unserved-admin', DELIVERY_PICKUP_TIMEOUT_SECONDS: '3' });
  client = signupClient(app.baseUrl, 'unserved-admin');
  taskQueue = `${app.env.TEMPORAL_TASK_QUEUE}.${GROUP}`;
  await mongoose.connect(app.env.MONGODB_URI!);
  await Subscription.create({ topic: SEND_EMAIL_TOPIC, consumerGroup: GROUP, taskQueue });
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

test('a delivery no worker takes goes DEAD naming the task queue; resent once a consumer polls it, it finishes', async () => {
  const user = client.newUser();
  const userId = await client.register(user);

  const dead = await client.messageWith(userId, 'ACTIVE_USER', 'DEAD', 60_000);
  const byGroup = Object.fromEntries(
    (dead.confirms as { consumerGroup: string; status: string; lastError?: string }[]).map((c) => [c.consumerGroup, c]),
  );
  expect(byGroup[GROUP].status).toBe('DEAD');
  expect(byGroup[GROUP].lastError).toContain(`task queue ${taskQueue}`);
  expect(byGroup.CID_OPC.status).toBe('CONSUMED');
  await waitForMail(user.email);

  const handled: string[] = [];
  const config = loadConfig(app.env);
  const redis = createRedis(config.redis);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  try {
    const consumer = await Worker.create({
      connection,
      taskQueue,
      dataConverter: dataConverter(config),
      activities: {
        deliver: createDeliverActivity(
          GROUP,
          async (message) => {
            handled.push(message.messageKey);
          },
          redis,
        ),
      },
    });
    await consumer.runUntil(async () => {
      const resent = await client.retryingUnavailable('POST', `/api/messages/${dead.messageKey}/resend`, {
        headers: client.admin,
      });
      expect(resent.status).toBe(202);
      const finished = await client.messageWith(userId, 'ACTIVE_USER', 'FINISHED');
      expect(finished.resendCount).toBe(1);
    });
  } finally {
    await connection.close();
    redis.disconnect();
  }
  expect(handled).toEqual([dead.messageKey]);
  expect(await mailTo(user.email)).toHaveLength(1);
});
