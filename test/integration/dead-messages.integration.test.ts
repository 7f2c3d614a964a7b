/**
 * A consumer that keeps failing: the message becomes DEAD after the configured attempts, the flow
 * waits, and an operator's resend (one message, or all dead ones) takes it to FINISHED once the fault
 * is fixed. Real stack; the SMTP catcher is this file's own, stopped to make the mail consumer fail.
 */
import { Client, Connection } from '@temporalio/client';
import { startApp, type RunningApp } from '../setup/app';
import { mailTo, waitForMail } from '../setup/mailbox';
import { startPrivateServer, type PrivateServer } from '../setup/private-server';
import { signupClient } from '../setup/signup';

let smtp: PrivateServer;
let app: RunningApp;
let client: ReturnType<typeof signupClient>;
const mailApi = () => smtp.env.MAIL_API_URL;

beforeAll(async () => {
  smtp = await startPrivateServer('smtp');
  app = await startApp({ ...smtp.env, ADMIN_TOKEN: 'dead-admin', DELIVERY_MAX_ATTEMPTS: '2' });
  client = signupClient(app.baseUrl, 'dead-admin');
});
afterAll(async () => {
  await app?.stop();
  await smtp?.stop();
});

async function registerWhileSmtpIsDown(count: number) {
  const users = Array.from({ length: count }, () => client.newUser());
  const userIds = await Promise.all(users.map((u) => client.register(u)));
  const dead = [];
  for (const userId of userIds) dead.push(await client.messageWith(userId, 'ACTIVE_USER', 'DEAD'));
  return { users, userIds, dead };
}

test('after the configured attempts the message is DEAD; a resend after the fix finishes it with one mail', async () => {
  await smtp.stop();
  const { users, userIds, dead } = await registerWhileSmtpIsDown(1);
  const mail = dead[0].confirms.find((c: { consumerGroup: string }) => c.consumerGroup === 'CID_OPC');
  expect(mail).toMatchObject({ status: 'DEAD', consumeCount: 2, lastError: expect.any(String) });
  expect(dead[0].confirms.find((c: { consumerGroup: string }) => c.consumerGroup === 'CID_EVENTS').status).toBe(
    'CONSUMED',
  );
  expect(dead[0].lastError).toMatch(/CID_OPC/);

  await smtp.start();
  const resent = await client.retryingUnavailable('POST', `/api/messages/${dead[0].messageKey}/resend`, {
    headers: client.admin,
  });
  expect(resent.status).toBe(202);
  const finished = await client.messageWith(userIds[0], 'ACTIVE_USER', 'FINISHED');
  expect(finished.resendCount).toBe(1);
  expect(finished.history.map((h: { status: string }) => h.status)).toEqual([
    'WAIT_SEND',
    'SENDING',
    'DEAD',
    'SENDING',
    'FINISHED',
  ]);
  await waitForMail(users[0].email, 1, { apiUrl: mailApi() });
  expect(await mailTo(users[0].email, mailApi())).toHaveLength(1);

  const again = await client.retryingUnavailable('POST', `/api/messages/${dead[0].messageKey}/resend`, {
    headers: client.admin,
  });
  expect(again.status).toBe(409);
  expect(again.body.error.code).toBe('MESSAGE_NOT_DEAD');
});

test('resend-dead resends every dead message of a topic and consumer group, and says how many', async () => {
  await smtp.stop();
  const { users, userIds } = await registerWhileSmtpIsDown(3);
  await smtp.start();

  const res = await client.retryingUnavailable(
    'POST',
    '/api/messages/resend-dead?topic=SEND_EMAIL_TOPIC&consumerGroup=CID_OPC',
    {
      headers: client.admin,
    },
  );
  expect(res.status).toBe(202);
  expect(res.body.resent).toBe(3);
  for (const userId of userIds) await client.messageWith(userId, 'ACTIVE_USER', 'FINISHED');
  for (const user of users) expect(await mailTo(user.email, mailApi())).toHaveLength(1);

  const none = await client.retryingUnavailable('POST', '/api/messages/resend-dead', { headers: client.admin });
  expect(none.status).toBe(202);
  expect(none.body.resent).toBe(0);
});

test('operator endpoints want the admin token', async () => {
  expect((await client.retryingUnavailable('POST', '/api/messages/resend-dead')).status).toBe(401);
  expect((await client.api('POST', '/api/messages/x/resend')).status).toBe(401);
});

test('a dead message whose workflow no longer runs is refused with 409 and left out of resend-dead', async () => {
  await smtp.stop();
  const { dead } = await registerWhileSmtpIsDown(1);
  await smtp.start();
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
  try {
    await new Client({ connection }).workflow.getHandle(dead[0].workflowId).terminate('ended by hand');
  } finally {
    await connection.close();
  }

  const resent = await client.retryingUnavailable('POST', `/api/messages/${dead[0].messageKey}/resend`, {
    headers: client.admin,
  });
  expect(resent.status).toBe(409);
  expect(resent.body.error.code).toBe('FLOW_NOT_RUNNING');
  const all = await client.retryingUnavailable('POST', '/api/messages/resend-dead', { headers: client.admin });
  expect(all.status).toBe(202);
  expect(all.body.messageKeys).not.toContain(dead[0].messageKey);
});
