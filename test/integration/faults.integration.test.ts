/**
 * Fault injection on the real stack: the SMTP server down, the worker killed, MongoDB restarted.
 * Whatever fails, every accepted registration ends with exactly one activation mail and a FINISHED
 * message. The app here has its own SMTP catcher and its own MongoDB-wire server, so that stopping
 * them disturbs no other test file.
 */
import { startApp, type RunningApp } from '../setup/app';
import { eventually } from '../setup/http';
import { mailTo, waitForMail } from '../setup/mailbox';
import { startPrivateServer, type PrivateServer } from '../setup/private-server';
import { signupClient } from '../setup/signup';

let smtp: PrivateServer;
let mongo: PrivateServer;
let app: RunningApp;
let client: ReturnType<typeof signupClient>;
const mailApi = () => smtp.env.MAIL_API_URL;

beforeAll(async () => {
  [smtp, mongo] = await Promise.all([startPrivateServer('smtp'), startPrivateServer('mongodb')]);
  app = await startApp({
    ...smtp.env,
    ...mongo.env,
    ADMIN_TOKEN: 'faults-admin',
    DELIVERY_MAX_ATTEMPTS: '30',
  });
  client = signupClient(app.baseUrl, 'faults-admin');
});
afterAll(async () => {
  await app?.stop();
  await Promise.all([smtp?.stop(), mongo?.stop()]);
});

/**
 * Every user ends with exactly one activation mail and a FINISHED activation message with all confirms
 * CONSUMED. With `copies: 'same Message-ID'`, a second copy of a user's one mail is allowed: a worker
 * killed after the SMTP server accepted a mail but before the consumed mark was written sends it again
 * (docs/how-it-works.md, "Which way it errs"), under the same Message-ID, which mail systems drop as a duplicate.
 */
async function expectExactlyOneActivationMail(
  users: { email: string }[],
  userIds: string[],
  copies: 'none' | 'same Message-ID' = 'none',
): Promise<void> {
  for (const [i, user] of users.entries()) {
    const message = await client.messageWith(userIds[i], 'ACTIVE_USER', 'FINISHED', 90_000);
    expect(message.confirms.every((c: { status: string }) => c.status === 'CONSUMED')).toBe(true);
    await waitForMail(user.email, 1, { apiUrl: mailApi() });
  }
  // Every delivery is done: any duplicate would have arrived by now.
  for (const user of users) {
    const mails = await mailTo(user.email, mailApi());
    if (copies === 'none') {
      expect(mails).toHaveLength(1);
    } else {
      expect(new Set(mails.map((m) => m.headers['message-id'])).size).toBe(1);
      expect(mails.length).toBeLessThanOrEqual(2);
    }
  }
}

test('registrations made while the SMTP server is down each get exactly one mail once it is back', async () => {
  await smtp.stop();
  const users = Array.from({ length: 4 }, () => client.newUser());
  const userIds = await Promise.all(users.map((u) => client.register(u)));
  // Deliveries fail and are retried with backoff while the server is away.
  await new Promise((r) => setTimeout(r, 3000));
  for (const userId of userIds) {
    expect((await client.messagesOf(userId)).find((m) => m.tag === 'ACTIVE_USER')?.status).toBe('SENDING');
  }
  await smtp.start();
  await expectExactlyOneActivationMail(users, userIds);
});

test('a worker killed (SIGKILL) at random points during a batch, then restarted: one mail each (a copy only under its Message-ID)', async () => {
  const users = Array.from({ length: 8 }, () => client.newUser());
  const registering = Promise.all(users.map((u) => client.register(u)));
  for (let kill = 0; kill < 3; kill++) {
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 600));
    await app.worker.kill();
    await app.restartWorker();
  }
  const userIds = await registering;
  await expectExactlyOneActivationMail(users, userIds, 'same Message-ID');
});

test('while MongoDB is down the API answers 503 with a code, not 500; afterwards it answers again', async () => {
  const userId = await client.register(client.newUser());
  await mongo.stop();
  try {
    const res = await client.api('GET', `/api/users/${userId}`, { headers: client.admin });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(res.headers.get('retry-after')).toBeTruthy();
  } finally {
    await mongo.start();
  }
  const again = await eventually(async () => {
    const r = await client.api('GET', `/api/users/${userId}`, { headers: client.admin });
    return r.status === 200 ? r : undefined;
  }, 'the API to read MongoDB again');
  expect(again.body.userId).toBe(userId);
});

test('MongoDB restarted in the middle of a batch: the flows resume and nothing is lost', async () => {
  const users = Array.from({ length: 6 }, () => client.newUser());
  const registering = Promise.all(
    users.map(async (u, i) => {
      await new Promise((r) => setTimeout(r, i * 150));
      return client.register(u);
    }),
  );
  await new Promise((r) => setTimeout(r, 300));
  await mongo.stop();
  await new Promise((r) => setTimeout(r, 1000));
  await mongo.start();
  const userIds = await registering;
  await expectExactlyOneActivationMail(users, userIds, 'same Message-ID');
});
