/**
 * REST → Temporal → MongoDB → SMTP, on the real stack: the worker and the API run as processes,
 * mails are read back from the SMTP catcher, the audit trail from the API and from MongoDB.
 */
import { Client, Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import { randomUUID } from 'node:crypto';
import { User, UserEvent } from '../../domain/models';
import { MessageKeys, MessageStatus, Stage, UserId } from '../../domain/search-attributes';
import { startApp, type RunningApp } from '../setup/app';
import { eventually, request } from '../setup/http';
import { localSteps } from '../setup/local-steps';
import { mailTo, waitForMail } from '../setup/mailbox';
import { activate, activationLink, signupClient } from '../setup/signup';

let app: RunningApp;
let client: ReturnType<typeof signupClient>;

beforeAll(async () => {
  app = await startApp({ ADMIN_TOKEN: 'test-admin-token' });
  client = signupClient(app.baseUrl, 'test-admin-token');
  await mongoose.connect(app.env.MONGODB_URI!);
});
afterAll(async () => {
  await mongoose.disconnect();
  await app?.stop();
});

const api = (method: string, path: string, opts?: Parameters<typeof request>[3]) =>
  request(app.baseUrl, method, path, opts);
const admin = { authorization: 'Bearer test-admin-token' };

/** A user whose e-mail and login name come in mixed case: the API stores them lower-case. */
function newUser() {
  const user = client.newUser();
  return {
    ...user,
    loginName: user.loginName.toUpperCase(),
    email: user.email.replace(/^user/, 'User').replace('example', 'Example'),
  };
}

const finishedMessage = (userId: string, tag: string) => client.messageWith(userId, tag, 'FINISHED');

test('register → one activation mail → its link activates → one success mail, with the whole audit trail', async () => {
  const user = newUser();
  const registered = await api('POST', '/api/users/register', { json: user });
  expect(registered.status).toBe(202);
  expect(registered.body).toEqual({
    status: 'PENDING_ACTIVATION',
    message: expect.any(String),
    attempt: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
  });
  const found = await client.lookUp(user.email);
  expect(found).toMatchObject({ stage: 'AWAITING_ACTIVATION', workflowId: expect.stringMatching(/^registration-/) });
  const { userId } = found;

  const pending = await api('GET', `/api/users/${userId}`, { headers: admin });
  expect(pending.body).toMatchObject({
    userId,
    loginName: user.loginName.toLowerCase(),
    email: user.email.toLowerCase(),
    status: 'DISABLED',
  });
  expect(pending.body).not.toHaveProperty('passwordHash');

  const activation = await finishedMessage(userId, 'ACTIVE_USER');
  const [mail] = await waitForMail(user.email);
  expect(await mailTo(user.email)).toHaveLength(1);
  expect(mail.subject).toBe('Activate your account');
  expect(mail.text).toContain(user.loginName.toLowerCase());
  const link = activationLink(mail.text!);
  expect(link).toBeDefined();

  const activated = await activate(link!);
  expect(activated.status).toBe(200);
  expect(activated.body).toEqual({ userId, status: 'ENABLED' });
  // A second click, and the link opened again, say so: the account is active.
  const again = await activate(link!);
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ status: 'ALREADY_ACTIVE' });
  const reopened = await request(link!, 'GET', '');
  expect(reopened.status).toBe(200);
  expect(reopened.body).toMatchObject({ status: 'ALREADY_ACTIVE' });

  const success = await finishedMessage(userId, 'ACTIVE_USER_SUCCESS');
  const mails = await waitForMail(user.email, 2);
  expect(mails.map((m) => m.subject).sort()).toEqual(['Activate your account', 'Your account is active']);

  for (const message of [activation, success]) {
    expect(message.status).toBe('FINISHED');
    expect(message.history.map((h: { status: string }) => h.status)).toEqual(['WAIT_SEND', 'SENDING', 'FINISHED']);
    expect(message.confirms.map((c: { consumerGroup: string }) => c.consumerGroup)).toEqual(['CID_EVENTS', 'CID_OPC']);
    for (const confirm of message.confirms) {
      expect(confirm.status).toBe('CONSUMED');
      expect(confirm.consumeCount).toBeGreaterThanOrEqual(1);
    }
  }
  // The second consumer of the topic recorded one event per message.
  const events = await UserEvent.find({ userId }).lean();
  expect(events.map((e) => e.type).sort()).toEqual(['ACTIVE_USER', 'ACTIVE_USER_SUCCESS']);

  const enabled = await api('GET', `/api/users/${userId}`, { headers: admin });
  expect(enabled.body).toMatchObject({ status: 'ENABLED', activatedAt: expect.any(String) });
  const stored = await User.findById(userId).lean();
  expect(stored?.roleIds).toEqual(['10000']);
  expect(stored?.groupIds).toEqual(['default']);
  expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);

  expect(await client.lookUp(user.email)).toMatchObject({ userId, status: 'ENABLED', stage: 'ENABLED' });

  // The activated account's e-mail and login name are taken for good: the e-mail answered as a new one
  // (test/integration/taken-email.integration.test.ts), the login name refused.
  const sameEmail = await api('POST', '/api/users/register', { json: { ...newUser(), email: user.email } });
  expect(sameEmail.status).toBe(202);
  expect(await User.countDocuments({ email: user.email.toLowerCase() })).toBe(1);
  const sameLogin = await api('POST', '/api/users/register', { json: { ...newUser(), loginName: user.loginName } });
  expect(sameLogin.status).toBe(409);
  expect(sameLogin.body.error.code).toBe('LOGIN_NAME_TAKEN');
});

test('an operator finds the flow in Temporal by user, message and state', async () => {
  const user = newUser();
  expect((await api('POST', '/api/users/register', { json: user })).status).toBe(202);
  const { userId, workflowId } = await client.lookUp(user.email);
  const activation = await finishedMessage(userId, 'ACTIVE_USER');
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
  try {
    const temporal = new Client({ connection });
    const handle = temporal.workflow.getHandle(workflowId);
    // The last consumer finishes the message; the workflow reports it in the next workflow task.
    const description = await eventually(async () => {
      const described = await handle.describe();
      return described.typedSearchAttributes.get(MessageStatus)?.[0] === 'FINISHED' ? described : undefined;
    }, 'the message reported FINISHED');
    expect(description.typedSearchAttributes.get(UserId)).toBe(userId);
    expect(description.typedSearchAttributes.get(Stage)).toBe('AWAITING_ACTIVATION');
    expect(description.typedSearchAttributes.get(MessageKeys)).toEqual([activation.messageKey]);
    expect(description.typedSearchAttributes.get(MessageStatus)).toEqual(['FINISHED']);
    const found = await eventually(async () => {
      const ids: string[] = [];
      for await (const wf of temporal.workflow.list({
        query: `UserId = '${userId}' AND Stage = 'AWAITING_ACTIVATION'`,
      }))
        ids.push(wf.workflowId);
      return ids.length ? ids : undefined;
    }, 'the flow in the visibility store');
    expect(found).toEqual([workflowId]);

    // The workflow's own steps (local activities, one billable action per workflow task): the pre-send
    // message, the user and the confirm in one. The message was finished by its last consumer, not here.
    expect(await localSteps(handle)).toEqual(['registerUser']);
  } finally {
    await connection.close();
  }
});

test('the worker serves Prometheus metrics of its task queues: the deliveries of a registration show there', async () => {
  const user = newUser();
  const userId = await client.register(user);
  await finishedMessage(userId, 'ACTIVE_USER');

  const res = await fetch(app.metricsUrls.worker);
  expect(res.status).toBe(200);
  const metrics = await res.text();
  const count = (name: string, labels: Record<string, string>) =>
    metrics
      .split('\n')
      .filter(
        (line) => line.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)),
      )
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  const taskQueue = app.env.TEMPORAL_TASK_QUEUE!;
  expect(
    count('temporal_workflow_task_execution_latency_count', { task_queue: taskQueue, workflow_type: 'registration' }),
  ).toBeGreaterThan(0);
  for (const consumer of ['CID_OPC', 'CID_EVENTS']) {
    expect(
      count('temporal_activity_execution_latency_count', {
        task_queue: `${taskQueue}.${consumer}`,
        activity_type: 'deliver',
      }),
    ).toBeGreaterThan(0);
  }
});

test('the same register request sent 10 times at once makes one user and one mail', async () => {
  const user = newUser();
  const responses = await Promise.all(
    Array.from({ length: 10 }, () => api('POST', '/api/users/register', { json: user })),
  );
  expect(responses.map((r) => r.status)).toEqual(Array(10).fill(202));
  // One answer, each with an attempt of its own.
  expect(new Set(responses.map((r) => JSON.stringify({ ...r.body, attempt: undefined }))).size).toBe(1);
  expect(new Set(responses.map((r) => r.body.attempt)).size).toBe(10);
  const { userId } = await client.lookUp(user.email);

  await finishedMessage(userId, 'ACTIVE_USER');
  expect(await User.countDocuments({ email: user.email.toLowerCase() })).toBe(1);
  expect((await client.messagesOf(userId)).filter((m) => m.tag === 'ACTIVE_USER')).toHaveLength(1);
  expect(await mailTo(user.email)).toHaveLength(1);
});

test('unknown, malformed and used tokens answer 410, as JSON or as a page', async () => {
  const unknown = await api('GET', `/api/users/activate/${'A'.repeat(43)}`);
  expect(unknown.status).toBe(410);
  expect(unknown.body.error.code).toBe('TOKEN_INVALID');
  expect((await api('GET', '/api/users/activate/not-a-token')).status).toBe(410);
  const page = await fetch(`${app.baseUrl}/api/users/activate/${'B'.repeat(43)}`, { headers: { accept: 'text/html' } });
  expect(page.status).toBe(410);
  expect(page.headers.get('content-type')).toMatch(/text\/html/);
  expect(await page.text()).toContain('This link does not work');
});

test.each([
  ['invalid JSON', 400, 'MALFORMED_JSON', { raw: '{"loginName":', headers: { 'content-type': 'application/json' } }],
  [
    'not JSON at all',
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    { raw: 'loginName=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
  ],
  ['an empty object', 400, 'VALIDATION_FAILED', { json: {} }],
  ['an array', 400, 'VALIDATION_FAILED', { json: [] }],
  ['null', 400, 'MALFORMED_JSON', { json: null }],
  [
    'a short login name',
    400,
    'VALIDATION_FAILED',
    { json: { loginName: 'ab', email: 'a@b.test', password: 'long enough' } },
  ],
  [
    'a login name with spaces',
    400,
    'VALIDATION_FAILED',
    { json: { loginName: 'a b c', email: 'a@b.test', password: 'long enough' } },
  ],
  [
    'a malformed e-mail',
    400,
    'VALIDATION_FAILED',
    { json: { loginName: 'abc', email: 'not-an-email', password: 'long enough' } },
  ],
  ['a short password', 400, 'VALIDATION_FAILED', { json: { loginName: 'abc', email: 'a@b.test', password: 'short' } }],
  [
    'a too long password',
    400,
    'VALIDATION_FAILED',
    { json: { loginName: 'abc', email: 'a@b.test', password: 'x'.repeat(129) } },
  ],
  [
    'a mobile number with letters',
    400,
    'VALIDATION_FAILED',
    { json: { loginName: 'abc', email: 'a@b.test', password: 'long enough', mobileNo: '12ab' } },
  ],
  [
    'an unknown field',
    400,
    'VALIDATION_FAILED',
    { json: { loginName: 'abc', email: 'a@b.test', password: 'long enough', admin: true } },
  ],
  [
    'a number for a string',
    400,
    'VALIDATION_FAILED',
    { json: { loginName: 123, email: 'a@b.test', password: 'long enough' } },
  ],
  [
    'a huge body',
    413,
    'PAYLOAD_TOO_LARGE',
    { json: { loginName: 'abc', email: 'a@b.test', password: 'x'.repeat(100_000) } },
  ],
])('register with %s → %i %s', async (_name, status, code, opts) => {
  const res = await api('POST', '/api/users/register', opts);
  expect(res.status).toBe(status);
  expect(res.body.error).toEqual({ code, message: expect.any(String) });
});

test('a user record is for operators only: without the admin token, 401 and nothing of the user', async () => {
  const user = newUser();
  const userId = await client.register(user);
  const byEmail = `/api/users?email=${encodeURIComponent(user.email)}`;
  for (const headers of [{}, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
    for (const path of [`/api/users/${userId}`, byEmail]) {
      const res = await api('GET', path, { headers });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
      expect(JSON.stringify(res.body)).not.toContain(user.email.toLowerCase());
      expect(JSON.stringify(res.body)).not.toContain(userId);
    }
  }
  const found = await api('GET', byEmail, { headers: admin });
  expect(found.status).toBe(200);
  expect(found.body).toEqual({
    userId,
    loginName: user.loginName.toLowerCase(),
    email: user.email.toLowerCase(),
    status: 'DISABLED',
    createdAt: expect.any(String),
    workflowId: expect.stringMatching(/^registration-[0-9a-f]{32}$/),
    stage: 'AWAITING_ACTIVATION',
    // Until the activation mail is accepted, the window runs to the ceiling and no reminder is due.
    activation: expect.objectContaining({ endsAt: expect.any(String) }),
  });
});

test('unknown users and routes answer 404; the audit trail wants the admin token and a valid query', async () => {
  const noUser = await api('GET', `/api/users/${randomUUID()}`, { headers: admin });
  expect(noUser.status).toBe(404);
  expect(noUser.body.error.code).toBe('USER_NOT_FOUND');
  const noAddress = await api('GET', '/api/users?email=nobody.here%40example.test', { headers: admin });
  expect(noAddress.status).toBe(404);
  expect(noAddress.body.error.code).toBe('USER_NOT_FOUND');
  expect((await api('GET', '/api/users?email=not-an-address', { headers: admin })).status).toBe(400);
  expect((await api('GET', '/api/nothing-here')).body.error.code).toBe('NOT_FOUND');
  const wrongMethod = await api('DELETE', '/api/users/register');
  expect(wrongMethod.status).toBe(405);
  expect(wrongMethod.headers.get('allow')).toBe('POST');
  expect(wrongMethod.body.error.code).toBe('METHOD_NOT_ALLOWED');
  const onAParam = await api('PUT', `/api/messages/some-key`, { headers: admin });
  expect(onAParam.status).toBe(405);
  expect(onAParam.headers.get('allow')).toBe('GET, HEAD');

  expect((await api('GET', '/api/messages')).status).toBe(401);
  expect((await api('GET', '/api/messages', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  const badQuery = await api('GET', '/api/messages?status=NOPE', { headers: admin });
  expect(badQuery.status).toBe(400);
  expect(badQuery.body.error.code).toBe('VALIDATION_FAILED');
  const noMessage = await api('GET', '/api/messages/unknown-key', { headers: admin });
  expect(noMessage.status).toBe(404);
  expect(noMessage.body.error.code).toBe('MESSAGE_NOT_FOUND');
});

test('the audit trail pages with a cursor and filters by status', async () => {
  const first = await api('GET', '/api/messages?limit=1&status=FINISHED', { headers: admin });
  expect(first.status).toBe(200);
  expect(first.body.items).toHaveLength(1);
  expect(first.body.items[0].status).toBe('FINISHED');
  if (first.body.nextCursor) {
    const second = await api('GET', `/api/messages?limit=1&status=FINISHED&cursor=${first.body.nextCursor}`, {
      headers: admin,
    });
    expect(second.body.items[0].messageKey).not.toBe(first.body.items[0].messageKey);
  }
});
