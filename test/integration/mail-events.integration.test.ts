/**
 * The mail-event webhooks on the real stack (docs/mail-events.md): for each provider, an event signed as
 * that provider signs it is recorded once in `mail_events`, matched to the delivery of the mail it names
 * (by the Message-ID the delivery set, or by the provider's id from the SMTP server's reply), and reaches
 * the flow (the message BOUNCED, the address suppressed); a wrongly signed one is refused 401 and records
 * nothing; the same post again is a duplicate. The SMTP server is the test's
 * own, replying "250 Ok: queued as <id>" as providers do; SES's certificate is the test's own, served locally
 * (the host check off, as only a test may have it).
 */
import mongoose, { type Connection } from 'mongoose';
import { randomBytes, randomUUID } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../../stack/ports';
import { startApp, type RunningApp } from '../setup/app';
import { eventually, request } from '../setup/http';
import {
  genericPost,
  localServer,
  mailgunPost,
  postmarkPost,
  sendgridKeys,
  sendgridPost,
  sesBounce,
  snsPost,
  snsSigner,
  type Post,
} from '../setup/mail-event-posts';
import { scrape, total } from '../setup/metrics';
import { signupClient } from '../setup/signup';

const ADMIN_TOKEN = 'mail-events-admin';
const GENERIC_SECRET = randomBytes(24).toString('base64url');
const MAILGUN_KEY = randomBytes(24).toString('hex');
const POSTMARK = `postmark:${randomBytes(16).toString('hex')}`;
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ses-events';
const sendgrid = sendgridKeys();

/** The id the SMTP server gave each recipient's mail in its reply. */
const queuedIds = new Map<string, string>();
let smtp: SMTPServer;
let sns: Awaited<ReturnType<typeof localServer>>;
let ses: { certificate: string; privateKey: string };
let app: RunningApp;
let db: Connection;
let client: ReturnType<typeof signupClient>;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        const id = `q${randomUUID().replace(/-/g, '')}`;
        for (const r of session.envelope.rcptTo) queuedIds.set(r.address.toLowerCase(), id);
        callback(null, `Ok: queued as ${id}`);
      });
    },
  });
  const smtpPort = await freePort();
  await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));
  ses = await snsSigner();
  sns = await localServer({ '/SimpleNotificationService-test.pem': ses.certificate, '/confirm': 'confirmed' });
  app = await startApp({
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    ADMIN_TOKEN,
    MAIL_EVENTS_GENERIC_SECRET: GENERIC_SECRET,
    MAIL_EVENTS_MAILGUN_SIGNING_KEY: MAILGUN_KEY,
    MAIL_EVENTS_POSTMARK_CREDENTIALS: POSTMARK,
    MAIL_EVENTS_SENDGRID_PUBLIC_KEY: sendgrid.publicKey,
    MAIL_EVENTS_SES_TOPIC_ARNS: TOPIC,
    MAIL_EVENTS_SES_CERT_HOST_CHECK: 'off',
  });
  client = signupClient(app.baseUrl, ADMIN_TOKEN);
  db = await mongoose.createConnection(app.env.MONGODB_URI!).asPromise();
});
afterAll(async () => {
  await db?.close();
  await app?.stop();
  await sns?.close();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
});

interface Sent {
  email: string;
  messageKey: string;
  messageId: string;
  /** The id in the SMTP server's reply, as the delivery keeps it. */
  queuedId: string;
}

/** A registration whose activation mail the SMTP server accepted, and the ids that name that mail. */
async function sentMail(): Promise<Sent> {
  const user = client.newUser();
  const userId = await client.register(user);
  const message = await client.messageWith(userId, 'ACTIVE_USER', 'FINISHED');
  const messageKey = message.messageKey as string;
  const confirm = await eventually(
    () =>
      db.collection('confirms').findOne({ messageKey, consumerGroup: 'CID_OPC', providerMessageId: { $exists: true } }),
    'the SMTP reply kept with the delivery',
  );
  return {
    email: user.email,
    messageKey,
    messageId: `<${messageKey}.CID_OPC@reliable-signup>`,
    queuedId: confirm!.providerMessageId as string,
  };
}

const post = (provider: string, p: Post) =>
  request(app.baseUrl, 'POST', `/webhooks/mail-events/${provider}`, {
    raw: p.body.toString('utf8'),
    headers: p.headers,
  });

const recorded = (filter: Record<string, unknown>) => db.collection('mail_events').find(filter).toArray();

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Each provider's hard bounce of `sent`, signed right (and, with `wrong`, signed with another secret). */
const providers: Record<string, (sent: Sent, wrong?: boolean) => Post> = {
  generic: (sent, wrong) =>
    genericPost(wrong ? 'not-the-generic-secret-at-all' : GENERIC_SECRET, {
      type: 'bounce',
      bounceType: 'hard',
      messageId: sent.messageId,
      recipient: sent.email,
      diagnostic: '550 5.1.1 user unknown',
    }),
  mailgun: (sent, wrong) =>
    mailgunPost(wrong ? 'not-the-mailgun-key' : MAILGUN_KEY, {
      id: `mg-${sent.messageKey}`,
      event: 'failed',
      severity: 'permanent',
      timestamp: nowSeconds(),
      recipient: sent.email,
      message: { headers: { 'message-id': sent.messageId.slice(1, -1) } },
      'delivery-status': { code: 550, message: 'user unknown' },
    }),
  sendgrid: (sent, wrong) =>
    sendgridPost(wrong ? sendgridKeys().privateKey : sendgrid.privateKey, [
      {
        email: sent.email,
        event: 'bounce',
        type: 'bounce',
        timestamp: nowSeconds(),
        sg_event_id: `sg-${sent.messageKey}`,
        // SendGrid names the mail by the id of its SMTP reply, then its own suffix.
        sg_message_id: `${sent.queuedId}.filter0001.16648.5515E0B88.0`,
        status: '5.1.1',
        reason: 'user unknown',
      },
    ]),
  postmark: (sent, wrong) =>
    postmarkPost(wrong ? 'postmark:wrong-password' : POSTMARK, {
      RecordType: 'Bounce',
      ID: Date.now(),
      Type: 'HardBounce',
      MessageID: sent.queuedId,
      Email: sent.email,
      Details: 'smtp;550 5.1.1 user unknown',
      BouncedAt: new Date().toISOString(),
    }),
  ses: (sent, wrong) =>
    snsPost(wrong ? randomPrivateKey : ses.privateKey, {
      Type: 'Notification',
      TopicArn: TOPIC,
      SigningCertURL: `${sns.url}/SimpleNotificationService-test.pem`,
      Message: sesBounce(sent.messageId, sent.email),
    }),
};
let randomPrivateKey: string;
beforeAll(async () => {
  randomPrivateKey = (await snsSigner()).privateKey;
});

describe.each(Object.keys(providers))('%s', (provider) => {
  test('a correctly signed bounce is recorded once, for the delivery it names, and reaches the flow and the suppression list; a wrongly signed one is refused and records nothing', async () => {
    const sent = await sentMail();
    const refusalsBefore = total(await scrape(app.metricsUrls.api), 'reliable_signup_mail_event_refusals_total', {
      provider,
      reason: 'signature',
    });

    const forged = await post(provider, providers[provider](sent, true));
    expect([forged.status, forged.body.error?.code]).toEqual([401, 'SIGNATURE_INVALID']);
    expect(await recorded({ recipient: sent.email })).toEqual([]);
    const refusalsAfter = total(await scrape(app.metricsUrls.api), 'reliable_signup_mail_event_refusals_total', {
      provider,
      reason: 'signature',
    });
    expect(refusalsAfter - refusalsBefore).toBe(1);

    const signed = providers[provider](sent);
    const accepted = await post(provider, signed);
    expect(accepted.status).toBe(202);
    expect(accepted.body.events).toEqual([expect.objectContaining({ type: 'bounce', outcome: 'recorded' })]);
    const [event] = await recorded({ recipient: sent.email });
    expect(event).toMatchObject({
      provider,
      type: 'bounce',
      bounceType: 'hard',
      target: { messageKey: sent.messageKey, consumerGroup: 'CID_OPC' },
    });
    expect(event.appliedAt).toBeInstanceOf(Date);

    // It reached the flow: the delivery and its message BOUNCED, the address suppressed.
    const message = await request(app.baseUrl, 'GET', `/api/messages/${sent.messageKey}`, { headers: client.admin });
    expect(message.body.status).toBe('BOUNCED');
    expect(message.body.confirms).toEqual(
      expect.arrayContaining([expect.objectContaining({ consumerGroup: 'CID_OPC', status: 'BOUNCED' })]),
    );
    const listed = await request(app.baseUrl, 'GET', `/api/suppressions?email=${encodeURIComponent(sent.email)}`, {
      headers: client.admin,
    });
    expect(listed.body.items).toEqual([expect.objectContaining({ email: sent.email, reason: 'hard-bounce' })]);

    const replayed = await post(provider, signed);
    expect(replayed.status).toBe(202);
    expect(replayed.body.events).toEqual([expect.objectContaining({ outcome: 'duplicate' })]);
    expect(await recorded({ recipient: sent.email })).toHaveLength(1);
    expect(
      (
        await request(app.baseUrl, 'GET', `/api/suppressions?email=${encodeURIComponent(sent.email)}`, {
          headers: client.admin,
        })
      ).body.items,
    ).toHaveLength(1);
  });
});

test('generic: a raw RFC 3464 delivery report, signed, is recorded for the mail whose headers it returns', async () => {
  const sent = await sentMail();
  const report = [
    'From: MAILER-DAEMON@mx.example.com',
    `Message-ID: <${randomUUID()}@mx.example.com>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
    '',
    '--B',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.com',
    '',
    `Final-Recipient: rfc822; ${sent.email}`,
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 user unknown',
    '',
    '--B',
    'Content-Type: text/rfc822-headers',
    '',
    `Message-ID: ${sent.messageId}`,
    `To: ${sent.email}`,
    '',
    '--B--',
    '',
  ].join('\r\n');
  const res = await post(
    'generic',
    genericPost(GENERIC_SECRET, {}, { raw: Buffer.from(report), contentType: 'message/rfc822' }),
  );
  expect(res.status).toBe(202);
  expect(await recorded({ recipient: sent.email })).toEqual([
    expect.objectContaining({
      type: 'bounce',
      bounceType: 'hard',
      target: { messageKey: sent.messageKey, consumerGroup: 'CID_OPC' },
    }),
  ]);
});

test('an event about a mail this deployment did not send is answered 202, recorded without a delivery', async () => {
  const recipient = `stranger.${randomUUID().slice(0, 8)}@example.test`;
  const res = await post(
    'generic',
    genericPost(GENERIC_SECRET, { type: 'complaint', messageId: '<elsewhere@mx.example.com>', recipient }),
  );
  expect(res.status).toBe(202);
  expect(res.body.events).toEqual([expect.objectContaining({ outcome: 'unknown-message' })]);
  const [event] = await recorded({ recipient });
  expect(event.target).toBeUndefined();
});

test('a stale timestamp is refused 401, a body over the limit 413, and both are counted', async () => {
  const before = await scrape(app.metricsUrls.api);
  const stale = genericPost(
    GENERIC_SECRET,
    { type: 'delivery', messageId: '<x@y>', recipient: 'a@b.test' },
    { t: nowSeconds() - 600 },
  );
  const res = await post('generic', stale);
  expect([res.status, res.body.error?.code]).toEqual([401, 'TIMESTAMP_STALE']);
  const huge = genericPost(GENERIC_SECRET, {
    type: 'delivery',
    messageId: '<x@y>',
    recipient: 'a@b.test',
    diagnostic: 'x'.repeat(300_000),
  });
  expect((await post('generic', huge)).status).toBe(413);
  const after = await scrape(app.metricsUrls.api);
  const counted = (reason: string) =>
    total(after, 'reliable_signup_mail_event_refusals_total', { provider: 'generic', reason }) -
    total(before, 'reliable_signup_mail_event_refusals_total', { provider: 'generic', reason });
  expect([counted('stale'), counted('too-large')]).toEqual([1, 1]);
});

test('ses: a subscription to an allowed topic is confirmed, one to another topic refused and not confirmed', async () => {
  const confirmation = (TopicArn: string) =>
    snsPost(ses.privateKey, {
      Type: 'SubscriptionConfirmation',
      TopicArn,
      SigningCertURL: `${sns.url}/SimpleNotificationService-test.pem`,
      Message: 'You have chosen to subscribe to the topic',
      SubscribeURL: `${sns.url}/confirm?Token=${encodeURIComponent(TopicArn)}`,
      Token: 'token',
    });
  const other = 'arn:aws:sns:eu-west-1:999999999999:someone-else';
  const refused = await post('ses', confirmation(other));
  expect([refused.status, refused.body.error?.code]).toEqual([403, 'TOPIC_NOT_ALLOWED']);
  expect((await post('ses', confirmation(TOPIC))).status).toBe(202);
  expect(sns.requested.filter((path) => path.startsWith('/confirm'))).toEqual([
    `/confirm?Token=${encodeURIComponent(TOPIC)}`,
  ]);
});
