/** SIGTERM lets the API and the worker finish what they are doing before they exit. */
import { Client, Connection } from '@temporalio/client';
import { registrationWorkflowId } from '../../api/services/workflow-ids';
import { startApp, type RunningApp } from '../setup/app';
import { mailTo, waitForMail } from '../setup/mailbox';
import { signupClient } from '../setup/signup';

let app: RunningApp;
let client: ReturnType<typeof signupClient>;

beforeAll(async () => {
  app = await startApp({ ADMIN_TOKEN: 'shutdown-admin' });
  client = signupClient(app.baseUrl, 'shutdown-admin');
});
afterAll(async () => {
  await app?.stop();
});

test('the worker drains on SIGTERM: a batch in flight completes with one mail each, and the worker exits 0', async () => {
  const users = Array.from({ length: 5 }, () => client.newUser());
  const registering = Promise.all(users.map((u) => client.register(u)));
  await new Promise((r) => setTimeout(r, 150));
  const worker = app.worker;
  await app.restartWorker(); // SIGTERM, wait for the exit, start a new one
  expect(await worker.exited()).toBe(0);
  expect(worker.logTail(5)).toMatch(/worker stopped/);

  const userIds = await registering;
  for (const userId of userIds) await client.messageWith(userId, 'ACTIVE_USER', 'FINISHED');
  for (const user of users) {
    await waitForMail(user.email);
    expect(await mailTo(user.email)).toHaveLength(1);
  }
});

test('the API answers the request in flight on SIGTERM, then exits 0', async () => {
  const user = client.newUser();
  const pending = client.api('POST', '/api/users/register', { json: user });
  // The request is in flight once its workflow exists (the API answers when the user is saved).
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
  try {
    const handle = new Client({ connection }).workflow.getHandle(registrationWorkflowId(user.email));
    const deadline = Date.now() + 30_000;
    while (
      !(await handle.describe().then(
        () => true,
        () => false,
      ))
    ) {
      if (Date.now() > deadline) throw new Error('the registration did not start');
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    await connection.close();
  }
  const stopping = app.api.stop();
  const res = await pending;
  await stopping;
  expect(res.status).toBe(202);
  expect(await app.api.exited()).toBe(0);
});
