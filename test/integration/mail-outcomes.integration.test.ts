/**
 * What a mail provider's report does, on the real stack, with the app's own `applyToFlow` (as the
 * webhooks call it) and an SMTP server of this test's own that counts its connections:
 * - a hard bounce makes the delivery and the message BOUNCED, suppresses the address, ends the waiting
 *   registration as BOUNCED (address free again), and the attempt says so; the next registration of the
 *   address is refused before any SMTP connection;
 * - a registration of an address already suppressed ends BOUNCED at once, as a bounce does: the
 *   attempt says so, its login name is free again, and no SMTP connection is made;
 * - three soft bounces within the window count as a hard one;
 * - a delivery report shows as DELIVERED on the attempt.
 */
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../../stack/ports';
import { startApp, type RunningApp } from '../setup/app';
import { eventually } from '../setup/http';
import { mailProvider } from '../setup/mail-outcomes';
import { activate, activationLink, signupClient } from '../setup/signup';

const ADMIN_TOKEN = 'outcomes-admin';
let server: SMTPServer;
let app: RunningApp;
let client: ReturnType<typeof signupClient>;
let provider: Awaited<ReturnType<typeof mailProvider>>;
/** Connections the SMTP server has taken, and how many are open now. */
const connections = { opened: 0, open: 0 };
const delivered: string[] = [];
/** Each mail's text part, by recipient. */
const texts = new Map<string, string[]>();

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Idle pooled connections close soon, so that a mail sent later needs a new one.
    socketTimeout: 1_000,
    onConnect(_session, callback) {
      connections.opened++;
      connections.open++;
      callback();
    },
    onClose() {
      connections.open--;
    },
    onData(stream, session, callback) {
      const recipients = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
      simpleParser(stream)
        .then((mail) => {
          delivered.push(...recipients);
          for (const to of recipients) texts.set(to, [...(texts.get(to) ?? []), mail.text ?? '']);
          callback();
        })
        .catch(callback);
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  app = await startApp({ SMTP_URL: `smtp://127.0.0.1:${port}`, ADMIN_TOKEN, MAIL_SOFT_BOUNCES_AS_HARD: '3' });
  client = signupClient(app.baseUrl, ADMIN_TOKEN);
  provider = await mailProvider(app);
});
afterAll(async () => {
  await provider?.close();
  await app?.stop();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

interface Trail {
  messageKey: string;
  status: string;
  lastError?: string;
  history: { status: string; detail?: string }[];
  confirms: {
    consumerGroup: string;
    status: string;
    consumeCount: number;
    lastError?: string;
    history: Trail['history'];
  }[];
}
const mailConfirm = (message: Trail) => message.confirms.find((c) => c.consumerGroup === 'CID_OPC')!;

/** Registers `user`, answers the attempt id of the answer. */
async function register(user: { email: string; loginName: string; password: string }): Promise<string> {
  const res = await eventually(async () => {
    const r = await client.api('POST', '/api/users/register', { json: user });
    // The address's previous registration may be just ending (REGISTRATION_CLOSING): a client tries again.
    return r.status === 503 || (r.status === 409 && r.body.error.code === 'REGISTRATION_CLOSING') ? undefined : r;
  }, 'the registration answered');
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ status: 'PENDING_ACTIVATION', message: expect.any(String), attempt: expect.any(String) });
  return res.body.attempt as string;
}

const attemptStatus = async (attempt: string) => {
  const res = await client.api('GET', `/api/registrations/attempts/${attempt}`);
  expect(res.status).toBe(200);
  return res.body as { status: string; sentAt?: string; message: string };
};
const attemptReaches = (attempt: string, status: string) =>
  eventually(async () => {
    const view = await attemptStatus(attempt);
    return view.status === status && view;
  }, `the attempt to be ${status}`);

/** A registration whose activation mail the SMTP server has accepted. */
async function mailed() {
  const user = client.newUser();
  const attempt = await register(user);
  const userId = (await client.lookUp(user.email)).userId;
  const message = (await client.messageWith(userId, 'ACTIVE_USER', 'FINISHED')) as Trail & { messageKey: string };
  return { user, attempt, userId, messageKey: message.messageKey };
}

test('a hard bounce: BOUNCED delivery and message, the address suppressed, the registration BOUNCED; the next registration of the address makes no SMTP connection', async () => {
  const { user, attempt, userId, messageKey } = await mailed();
  const sent = await attemptStatus(attempt);
  expect(sent).toMatchObject({ status: 'SENT', sentAt: expect.any(String) });

  const diagnostic = '550 5.1.1 <someone@gmial.com>: Recipient address rejected: User unknown';
  expect(
    await provider.report(messageKey, { type: 'bounce', bounceType: 'hard', recipient: user.email, diagnostic }),
  ).toBe('hard-bounce');

  const bounced = (await client.messageWith(userId, 'ACTIVE_USER', 'BOUNCED')) as Trail;
  expect(bounced.history.map((h) => h.status)).toEqual(['WAIT_SEND', 'SENDING', 'FINISHED', 'BOUNCED']);
  expect(bounced.history.at(-1)!.detail).toBe(`CID_OPC: ${diagnostic}`);
  expect(mailConfirm(bounced).status).toBe('BOUNCED');
  expect(mailConfirm(bounced).history.at(-1)).toMatchObject({ status: 'BOUNCED', detail: diagnostic });

  const listed = await client.api('GET', `/api/suppressions?email=${encodeURIComponent(user.email)}`, {
    headers: client.admin,
  });
  expect(listed.body.items).toEqual([
    {
      email: user.email,
      reason: 'hard-bounce',
      event: { provider: 'generic', eventId: expect.any(String), messageKey, diagnostic },
      at: expect.any(String),
    },
  ]);

  // The registration stops waiting: BOUNCED, its address and login name free again.
  const released = await eventually(async () => {
    const found = await client.lookUp(user.email);
    // The workflow's stage turns first; the user is released by its next step.
    return found.stage === 'BOUNCED' && found.status === 'BOUNCED' && found;
  }, 'the registration to be BOUNCED and its user released');
  expect(released).toMatchObject({ userId, status: 'BOUNCED', email: user.email, loginName: user.loginName });
  expect(await attemptStatus(attempt)).toMatchObject({
    status: 'BOUNCED',
    message: 'This address does not accept mail — check it and register again.',
  });

  // A second report of the same bounce changes nothing more.
  await provider.report(messageKey, { type: 'bounce', bounceType: 'hard', recipient: user.email, diagnostic });
  expect(((await client.messageWith(userId, 'ACTIVE_USER', 'BOUNCED')) as Trail).history).toHaveLength(4);

  // Once no pooled connection is left open, the next registration of the address is refused before SMTP.
  await eventually(async () => connections.open === 0, 'the idle SMTP connections to close');
  const openedBefore = connections.opened;
  const again = await register({ ...user, loginName: `${user.loginName}_2` });
  const secondId = await eventually(async () => {
    const found = await client.lookUp(user.email);
    return found.userId !== userId && found.userId;
  }, 'the second registration');
  const refused = (await client.messageWith(secondId, 'ACTIVE_USER', 'DEAD')) as Trail;
  expect(mailConfirm(refused)).toMatchObject({ status: 'DEAD', consumeCount: 1 });
  expect(mailConfirm(refused).lastError).toMatch(/^SUPPRESSED: the address is on the suppression list \(hard-bounce\)/);
  expect(await attemptReaches(again, 'BOUNCED')).toMatchObject({ status: 'BOUNCED' });
  expect(connections.opened).toBe(openedBefore);
  expect(delivered.filter((to) => to === user.email)).toHaveLength(1);
});

test('a registration of an address already suppressed ends BOUNCED at once: the attempt says so, its login name is free again, no SMTP connection is made', async () => {
  // A hard bounce of an earlier registration's mail puts the address on the suppression list.
  const earlier = await mailed();
  const diagnostic = '550 5.1.1 User unknown';
  await provider.report(earlier.messageKey, {
    type: 'bounce',
    bounceType: 'hard',
    recipient: earlier.user.email,
    diagnostic,
  });
  await eventually(
    async () => (await client.lookUp(earlier.user.email)).status === 'BOUNCED',
    'the earlier registration to be BOUNCED',
  );
  await eventually(async () => connections.open === 0, 'the idle SMTP connections to close');
  const openedBefore = connections.opened;

  const user = { ...earlier.user, loginName: `${earlier.user.loginName}_again` };
  const attempt = await register(user);
  // The registration stops waiting at once: BOUNCED, its user released, as after a bounce.
  const released = await eventually(async () => {
    const found = await client.lookUp(user.email);
    return found.userId !== earlier.userId && found.stage === 'BOUNCED' && found.status === 'BOUNCED' && found;
  }, 'the registration of the suppressed address to be BOUNCED and its user released');
  expect(released).toMatchObject({ email: user.email, loginName: user.loginName });
  expect(await attemptStatus(attempt)).toEqual({
    status: 'BOUNCED',
    reportedAt: expect.any(String),
    message: 'This address does not accept mail — check it and register again.',
  });

  // The audit trail: the activation message and its mail delivery DEAD as suppressed, after one attempt.
  const refused = (await client.messageWith(released.userId, 'ACTIVE_USER', 'DEAD')) as Trail;
  expect(refused.history.map((h) => h.status)).toEqual(['WAIT_SEND', 'SENDING', 'DEAD']);
  expect(refused.lastError).toBe('CID_OPC: SUPPRESSED: the address is on the suppression list (hard-bounce)');
  expect(mailConfirm(refused)).toMatchObject({
    status: 'DEAD',
    consumeCount: 1,
    lastError: 'SUPPRESSED: the address is on the suppression list (hard-bounce)',
  });
  expect(mailConfirm(refused).history.map((h) => h.status)).toEqual(['UNCONFIRMED', 'CONFIRMED', 'DEAD']);
  // Its workflow has ended, so an operator cannot resend the message to the suppressed address.
  const resend = await client.api('POST', `/api/messages/${refused.messageKey}/resend`, { headers: client.admin });
  expect(resend.status).toBe(409);
  expect(resend.body.error.code).toBe('FLOW_NOT_RUNNING');

  // Nothing was sent: no connection to the SMTP server since the address was suppressed.
  expect(connections.opened).toBe(openedBefore);
  expect(delivered.filter((to) => to === user.email)).toHaveLength(1);

  // The login name is free again at once, for a registration with another address.
  const elsewhere = { ...user, email: client.newUser().email };
  const again = await client.retryingUnavailable('POST', '/api/users/register', { json: elsewhere });
  expect(again.status).toBe(202);
  expect(await client.lookUp(elsewhere.email)).toMatchObject({
    loginName: user.loginName,
    stage: 'AWAITING_ACTIVATION',
    status: 'DISABLED',
  });
});

test('soft bounces change nothing until the third within the window, which counts as hard', async () => {
  const { user, attempt, userId, messageKey } = await mailed();
  const soft = { type: 'bounce' as const, bounceType: 'soft' as const, recipient: user.email };

  expect(await provider.report(messageKey, { ...soft, diagnostic: '452 4.2.2 Mailbox full' })).toBe('soft-bounce');
  expect(await attemptStatus(attempt)).toMatchObject({ status: 'DELAYED' });
  expect(await provider.report(messageKey, { ...soft, diagnostic: '452 4.2.2 Mailbox full' })).toBe('soft-bounce');
  expect((await client.lookUp(user.email)).stage).toBe('AWAITING_ACTIVATION');
  const suppressed = await client.api('GET', `/api/suppressions?email=${encodeURIComponent(user.email)}`, {
    headers: client.admin,
  });
  expect(suppressed.body.items).toEqual([]);

  expect(await provider.report(messageKey, { ...soft, diagnostic: '452 4.2.2 Mailbox full' })).toBe(
    'soft-bounces-as-hard',
  );
  const bounced = (await client.messageWith(userId, 'ACTIVE_USER', 'BOUNCED')) as Trail;
  expect(mailConfirm(bounced).history.at(-1)!.detail).toBe(
    '3 soft bounces within 72 h; the last: 452 4.2.2 Mailbox full',
  );
  const listed = await client.api('GET', `/api/suppressions?email=${encodeURIComponent(user.email)}`, {
    headers: client.admin,
  });
  expect(listed.body.items).toMatchObject([{ email: user.email, reason: 'soft-bounces' }]);
  await eventually(async () => (await client.lookUp(user.email)).stage === 'BOUNCED', 'the registration to be BOUNCED');
  expect(await attemptStatus(attempt)).toMatchObject({ status: 'BOUNCED' });
});

test('a delivery report shows the attempt as DELIVERED; the registration waits on', async () => {
  const { user, attempt, messageKey } = await mailed();
  expect(await provider.report(messageKey, { type: 'delivery', recipient: user.email })).toBe('delivery');
  expect(await attemptStatus(attempt)).toMatchObject({ status: 'DELIVERED', sentAt: expect.any(String) });
  expect((await client.lookUp(user.email)).stage).toBe('AWAITING_ACTIVATION');
});

test('a complaint: COMPLAINED, suppressed as a complaint, and an operator can lift it', async () => {
  const { user, userId, messageKey } = await mailed();
  expect(await provider.report(messageKey, { type: 'complaint', recipient: user.email })).toBe('complaint');
  const complained = (await client.messageWith(userId, 'ACTIVE_USER', 'COMPLAINED')) as Trail;
  expect(mailConfirm(complained).status).toBe('COMPLAINED');
  const path = `/api/suppressions/${encodeURIComponent(user.email)}`;
  const listed = await client.api('GET', `/api/suppressions?email=${encodeURIComponent(user.email)}`, {
    headers: client.admin,
  });
  expect(listed.body.items).toMatchObject([{ reason: 'complaint' }]);
  expect((await client.api('DELETE', path)).status).toBe(401);
  expect((await client.api('DELETE', path, { headers: client.admin })).body).toEqual({
    email: user.email,
    lifted: true,
  });
  expect((await client.api('DELETE', path, { headers: client.admin })).status).toBe(404);
});

test("a taken address's attempt follows the holder's notice: sent, then as the provider reports it, never the holder's account", async () => {
  const holder = client.newUser();
  await register(holder);
  const link = await eventually(async () => activationLink(texts.get(holder.email)?.[0] ?? ''), 'the activation mail');
  expect((await activate(link)).status).toBe(200);
  const { userId: holderId } = await client.lookUp(holder.email);

  const attempt = await register({ ...holder, loginName: `${holder.loginName}_other`, password: 'another passphrase' });
  const notice = (await client.messageWith(holderId, 'ACCOUNT_EXISTS_NOTICE', 'FINISHED')) as Trail & {
    messageKey: string;
  };
  expect(await attemptReaches(attempt, 'SENT')).toMatchObject({ sentAt: expect.any(String) });
  expect(await provider.report(notice.messageKey, { type: 'delivery', recipient: holder.email })).toBe('delivery');
  // The holder's account is active, and the attempt, which follows the notice, does not say so.
  expect((await client.lookUp(holder.email)).status).toBe('ENABLED');
  expect(await attemptStatus(attempt)).toMatchObject({ status: 'DELIVERED' });
});

test('an attempt id of the wrong shape is refused; an unknown one is not found', async () => {
  expect((await client.api('GET', '/api/registrations/attempts/not-an-attempt')).status).toBe(400);
  const unknown = await client.api('GET', '/api/registrations/attempts/AAAAAAAAAAAAAAAAAAAAAA');
  expect(unknown.status).toBe(404);
  expect(unknown.body.error.code).toBe('ATTEMPT_NOT_FOUND');
});
