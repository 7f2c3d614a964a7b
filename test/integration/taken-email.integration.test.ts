/**
 * Registration that does not tell who has an account: an address that already has one is answered as a
 * new one (same status, body and header names), its owner gets one notice mail per window however many
 * attempts there are, through the reliable-message flow; a taken login name is still refused; a repeat of
 * one's own pending registration stays one user with one mail; REGISTRATION_TAKEN_EMAIL=reveal answers
 * 409 EMAIL_TAKEN instead. (That the answer takes as long either way is measured by bench/taken-email.ts.)
 */
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { accountNoticeWorkflowId } from '../../api/services/workflow-ids';
import { registrationWorkflowId } from '../../api/services/workflow-ids';
import { loadConfig } from '../../config';
import { newTokenSalt } from '../../domain/tokens';
import { dataConverter } from '../../infra/temporal';
import { registeredUpdate, registration } from '../../workflows/registration';
import { startApp, type RunningApp } from '../setup/app';
import { eventually, type JsonResponse } from '../setup/http';
import { mailTo, waitForMail } from '../setup/mailbox';
import { activate as activateLink, activationLink, signupClient } from '../setup/signup';

const NOTICE = 'Someone tried to create an account with your address';
const WINDOW_SECONDS = 15;

let app: RunningApp;
let client: ReturnType<typeof signupClient>;
let connection: Connection;
let temporal: Client;

beforeAll(async () => {
  app = await startApp({ ADMIN_TOKEN: 'taken-admin', ACCOUNT_NOTICE_WINDOW_SECONDS: String(WINDOW_SECONDS) });
  client = signupClient(app.baseUrl, 'taken-admin');
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
  temporal = new Client({ connection, dataConverter: dataConverter(loadConfig(app.env)) });
});
afterAll(async () => {
  await connection?.close();
  await app?.stop();
});

const register = (user: object) => client.api('POST', '/api/users/register', { json: user });
/** The same user under another login name: someone else trying the address. */
const attemptOn = (email: string) => ({ ...client.newUser(), email });
const headerNames = (res: JsonResponse) => [...res.headers.keys()].sort();
const notices = async (email: string) => (await mailTo(email)).filter((m) => m.subject === NOTICE);
const noticeFlowExists = (email: string) =>
  temporal.workflow
    .getHandle(accountNoticeWorkflowId(email))
    .describe()
    .then(
      () => true,
      (err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return false;
        throw err;
      },
    );

async function activate(email: string): Promise<void> {
  const [mail] = await waitForMail(email);
  expect((await activateLink(activationLink(mail.text!)!)).status).toBe(200);
}

test('a taken address is answered as a new one: same status, same body, same header names; no second user', async () => {
  const pendingOwner = client.newUser();
  const activeOwner = client.newUser();
  const [pendingId, activeId] = [await client.register(pendingOwner), await client.register(activeOwner)];
  await activate(activeOwner.email);

  const fresh = await register(client.newUser());
  expect(fresh.status).toBe(202);
  expect(fresh.body).toEqual({
    status: 'PENDING_ACTIVATION',
    message: expect.any(String),
    attempt: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
  });
  for (const owner of [pendingOwner, activeOwner]) {
    const taken = await register(attemptOn(owner.email));
    // The same answer but for the attempt, a random id of the same shape.
    expect({ status: taken.status, body: taken.body as unknown }).toEqual({
      status: fresh.status,
      body: { ...fresh.body, attempt: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) },
    });
    expect(headerNames(taken)).toEqual(headerNames(fresh));
  }

  expect((await client.lookUp(pendingOwner.email)).userId).toBe(pendingId);
  expect(await client.lookUp(activeOwner.email)).toMatchObject({ userId: activeId, status: 'ENABLED' });
});

test('the owner gets one notice per window, however many attempts, even at once, through the reliable-message flow', async () => {
  const owner = client.newUser();
  const ownerId = await client.register(owner);
  await activate(owner.email);
  const attempts = Array.from({ length: 8 }, () => attemptOn(owner.email));

  const answers = await Promise.all(attempts.slice(0, 5).map(register));
  for (const attempt of attempts.slice(5)) answers.push(await register(attempt));
  expect(answers.map((r) => r.status)).toEqual(Array(8).fill(202));

  const message = await client.messageWith(ownerId, 'ACCOUNT_EXISTS_NOTICE', 'FINISHED');
  expect(message.workflowId).toBe(accountNoticeWorkflowId(owner.email));
  expect(message.history.map((h: { status: string }) => h.status)).toEqual(['WAIT_SEND', 'SENDING', 'FINISHED']);
  expect(message.confirms.map((c: { consumerGroup: string; status: string }) => [c.consumerGroup, c.status])).toEqual([
    ['CID_EVENTS', 'CONSUMED'],
    ['CID_OPC', 'CONSUMED'],
  ]);
  // Nothing the attempt supplied reaches the audit trail.
  for (const attempt of attempts) expect(JSON.stringify(message)).not.toContain(attempt.password);

  // Started by the registration the attempts started, which found the address taken: as durable as that registration.
  const noticeFlow = await temporal.workflow.getHandle(message.workflowId).describe();
  expect(noticeFlow.raw.workflowExecutionInfo?.parentExecution?.workflowId).toBe(registrationWorkflowId(owner.email));

  const [notice] = await eventually(async () => {
    const sent = await notices(owner.email);
    return sent.length > 0 && sent;
  }, 'the notice mail');
  // The flow that sent it still runs out its window: every attempt attached to it.
  expect((await temporal.workflow.getHandle(message.workflowId).describe()).status.name).toBe('RUNNING');
  expect((await client.messagesOf(ownerId)).filter((m) => m.tag === 'ACCOUNT_EXISTS_NOTICE')).toHaveLength(1);
  expect(await notices(owner.email)).toHaveLength(1);

  const mailText = `${notice.text}${notice.html}`;
  expect(mailText).not.toMatch(/https?:\/\//);
  for (const attempt of attempts) {
    for (const secret of [attempt.password, attempt.loginName]) expect(mailText).not.toContain(secret);
  }

  // Once the window is over, the next attempt gets the next notice.
  await eventually(
    async () => (await temporal.workflow.getHandle(message.workflowId).describe()).status.name === 'COMPLETED',
    'the notice window to close',
    (WINDOW_SECONDS + 60) * 1000,
  );
  expect((await register(attemptOn(owner.email))).status).toBe(202);
  await waitForMail(owner.email, 4); // the activation mail, the success mail and the two notices
  expect(await notices(owner.email)).toHaveLength(2);
}, 180_000);

test('a pending registration started without a notice window (by an earlier version) leaves the notice to the API: still exactly one', async () => {
  const config = loadConfig(app.env);
  const owner = client.newUser();
  const handle = await temporal.workflow.start(registration, {
    workflowId: registrationWorkflowId(owner.email),
    taskQueue: config.temporal.taskQueue,
    args: [
      {
        email: owner.email,
        loginName: owner.loginName,
        passwordHash: 'not-a-real-hash',
        tokenSalt: newTokenSalt(),
        activationTtlSeconds: 3600,
        deliveryMaxAttempts: config.delivery.maxAttempts,
      },
    ],
  });
  const { userId } = await handle.executeUpdate(registeredUpdate, { args: [{ loginName: owner.loginName }] });

  const answers = await Promise.all([register(attemptOn(owner.email)), register(attemptOn(owner.email))]);
  expect(answers.map((r) => r.status)).toEqual([202, 202]);

  const message = await client.messageWith(userId, 'ACCOUNT_EXISTS_NOTICE', 'FINISHED');
  const noticeFlow = await temporal.workflow.getHandle(message.workflowId).describe();
  expect(noticeFlow.raw.workflowExecutionInfo?.parentExecution).toBeFalsy();
  await eventually(async () => (await notices(owner.email)).length > 0, 'the notice mail');
  expect((await client.messagesOf(userId)).filter((m) => m.tag === 'ACCOUNT_EXISTS_NOTICE')).toHaveLength(1);
  expect(await notices(owner.email)).toHaveLength(1);
});

test('a taken login name is refused on a taken address as on a new one (login names are public)', async () => {
  const owner = client.newUser();
  const activeOwner = client.newUser();
  const other = client.newUser();
  await client.register(owner);
  await client.register(activeOwner);
  await client.register(other);
  await activate(activeOwner.email);

  const onNew = await register({ ...client.newUser(), loginName: other.loginName });
  const onTaken = await register({ ...attemptOn(owner.email), loginName: other.loginName });
  const onActive = await register({ ...attemptOn(activeOwner.email), loginName: other.loginName });
  const ownOnActive = await register({ ...attemptOn(activeOwner.email), loginName: activeOwner.loginName });
  const ownOnTaken = await register({ ...attemptOn(owner.email), loginName: owner.loginName.toUpperCase() });
  for (const res of [onNew, onTaken, onActive, ownOnActive]) {
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: { code: 'LOGIN_NAME_TAKEN', message: expect.any(String) } });
  }
  // The owner's own login name, address and password is the repeat of the pending registration; with
  // another password it is somebody else's, and the login name is taken.
  expect(ownOnTaken.status).toBe(202);
  const ownNameOtherPassword = await register({
    ...attemptOn(owner.email),
    loginName: owner.loginName,
    password: 'not the owner password',
  });
  expect(ownNameOtherPassword.status).toBe(409);
  expect(ownNameOtherPassword.body).toEqual({ error: { code: 'LOGIN_NAME_TAKEN', message: expect.any(String) } });
});

test('a repeat of one’s own pending registration stays one user, one activation mail, and no notice', async () => {
  const user = client.newUser();
  const first = await register(user);
  const repeats = await Promise.all([
    register(user),
    register(user),
    register({ ...user, email: user.email.toUpperCase() }),
  ]);
  for (const res of repeats) {
    expect({ status: res.status, body: res.body as unknown }).toEqual({
      status: first.status,
      body: { ...first.body, attempt: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) },
    });
  }
  const { userId } = await client.lookUp(user.email);
  await client.messageWith(userId, 'ACTIVE_USER', 'FINISHED');
  expect((await client.messagesOf(userId)).map((m) => m.tag)).toEqual(['ACTIVE_USER']);
  expect(await mailTo(user.email)).toHaveLength(1);
  expect(await noticeFlowExists(user.email)).toBe(false);
});

describe('REGISTRATION_TAKEN_EMAIL=reveal', () => {
  let revealing: RunningApp;
  beforeAll(async () => {
    revealing = await startApp({ ADMIN_TOKEN: 'reveal-admin', REGISTRATION_TAKEN_EMAIL: 'reveal' });
  });
  afterAll(async () => {
    await revealing?.stop();
  });

  test('a taken address is answered 409 EMAIL_TAKEN, as before, and no notice is sent', async () => {
    const revealClient = signupClient(revealing.baseUrl, 'reveal-admin');
    const owner = revealClient.newUser();
    await revealClient.register(owner);
    const [mail] = await waitForMail(owner.email);
    expect((await activateLink(activationLink(mail.text!)!)).status).toBe(200);
    const taken = await revealClient.api('POST', '/api/users/register', { json: attemptOn(owner.email) });
    expect(taken.status).toBe(409);
    expect(taken.body).toEqual({ error: { code: 'EMAIL_TAKEN', message: expect.any(String) } });
    const fresh = await revealClient.api('POST', '/api/users/register', { json: revealClient.newUser() });
    expect(fresh.status).toBe(202);
    expect(await noticeFlowExists(owner.email)).toBe(false);
  });
});
