/**
 * How the mail consumer reads an SMTP server's replies, against a real SMTP server of the test's own
 * that refuses chosen recipients: a 5xx reply ("never") makes the message DEAD at once with the reply as
 * its last error; a 4xx reply ("later") is retried until the server accepts, and the mail goes out once.
 * The worker's metrics count the failed attempts by kind: rejected for good, or retryable.
 */
import { SMTPServer } from 'smtp-server';
import { freePort } from '../../stack/ports';
import { startApp, type RunningApp } from '../setup/app';
import { eventually } from '../setup/http';
import { scrape, total, type Sample } from '../setup/metrics';
import { signupClient } from '../setup/signup';

/** Replies the server gives each recipient, one per attempt, before it accepts. */
const refusals = new Map<string, { code: number; text: string }[]>();
const delivered: string[] = [];
let server: SMTPServer;
let app: RunningApp;
let client: ReturnType<typeof signupClient>;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const reply = refusals.get(address.address.toLowerCase())?.shift();
      if (reply) callback(Object.assign(new Error(reply.text), { responseCode: reply.code }));
      else callback();
    },
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        delivered.push(...session.envelope.rcptTo.map((r) => r.address.toLowerCase()));
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  app = await startApp({ SMTP_URL: `smtp://127.0.0.1:${port}`, ADMIN_TOKEN: 'smtp-admin', DELIVERY_MAX_ATTEMPTS: '5' });
  client = signupClient(app.baseUrl, 'smtp-admin');
});
afterAll(async () => {
  await app?.stop();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

interface ConfirmView {
  consumerGroup: string;
  status: string;
  consumeCount: number;
  lastError?: string;
}
const mailConfirm = (message: { confirms: ConfirmView[] }) =>
  message.confirms.find((c) => c.consumerGroup === 'CID_OPC')!;

/** The worker's count of the mail consumer's failed attempts of each kind, since `before`, once it reaches `expected`. */
async function mailFailuresSince(before: Sample[], expected: { retryable: number; rejected: number }) {
  const since = (samples: Sample[], kind: string) => {
    const labels = { consumer_group: 'CID_OPC', kind };
    const name = 'reliable_signup_delivery_failures_total';
    return total(samples, name, labels) - total(before, name, labels);
  };
  const counted = (samples: Sample[]) => ({
    retryable: since(samples, 'retryable'),
    rejected: since(samples, 'rejected'),
  });
  const samples = await eventually(async () => {
    const now = await scrape(app.metricsUrls.worker);
    const c = counted(now);
    return c.retryable + c.rejected >= expected.retryable + expected.rejected && now;
  }, 'the failed attempts counted');
  return counted(samples);
}

test('a 550 reply makes the message DEAD after one attempt, with the reply; resent once the mailbox exists, it goes out once', async () => {
  const before = await scrape(app.metricsUrls.worker);
  const user = client.newUser();
  const forever = Array.from({ length: 100 }, () => ({ code: 550, text: 'mailbox unavailable' }));
  refusals.set(user.email, forever);
  const userId = await client.register(user);

  const dead = await client.messageWith(userId, 'ACTIVE_USER', 'DEAD', 30_000);
  expect(mailConfirm(dead)).toMatchObject({ status: 'DEAD', consumeCount: 1 });
  expect(mailConfirm(dead).lastError).toMatch(/550.*mailbox unavailable/);
  expect(await mailFailuresSince(before, { retryable: 0, rejected: 1 })).toEqual({ retryable: 0, rejected: 1 });

  refusals.delete(user.email);
  const resent = await client.retryingUnavailable('POST', `/api/messages/${dead.messageKey}/resend`, {
    headers: client.admin,
  });
  expect(resent.status).toBe(202);
  const finished = await client.messageWith(userId, 'ACTIVE_USER', 'FINISHED');
  expect(mailConfirm(finished)).toMatchObject({ status: 'CONSUMED', consumeCount: 2 });
  expect(delivered.filter((to) => to === user.email)).toHaveLength(1);
});

test('a 451 reply is retried with backoff until the server accepts, and the mail goes out once', async () => {
  const before = await scrape(app.metricsUrls.worker);
  const user = client.newUser();
  refusals.set(user.email, [
    { code: 451, text: 'greylisted, try again later' },
    { code: 451, text: 'greylisted, try again later' },
  ]);
  const userId = await client.register(user);

  const finished = await client.messageWith(userId, 'ACTIVE_USER', 'FINISHED', 60_000);
  expect(mailConfirm(finished)).toMatchObject({ status: 'CONSUMED', consumeCount: 3 });
  expect(finished.history.map((h: { status: string }) => h.status)).toEqual(['WAIT_SEND', 'SENDING', 'FINISHED']);
  expect(await mailFailuresSince(before, { retryable: 2, rejected: 0 })).toEqual({ retryable: 2, rejected: 0 });
  expect(delivered.filter((to) => to === user.email)).toHaveLength(1);
});
