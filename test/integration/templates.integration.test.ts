/**
 * The templates on the real stack (docs/templates.md): a registration's locale comes from its `locale`
 * field, else its Accept-Language, else DEFAULT_LOCALE; every mail of the flow, a resend asked for from
 * another browser included, goes in it; the mail's confirm records template, locale, version and
 * subject, never the link or the code. An override directory with a broken template stops the worker
 * and the API at start, naming the file and the line.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appProcess } from '../../stack/apps';
import type { ManagedProcess } from '../../stack/process';
import { startApp, type RunningApp } from '../setup/app';
import { waitForMail } from '../setup/mailbox';
import { activate, activationLink, signupClient } from '../setup/signup';

const ADMIN_TOKEN = 'templates-admin';
let app: RunningApp;
let client: ReturnType<typeof signupClient>;
const exited: ManagedProcess[] = [];

beforeAll(async () => {
  app = await startApp({ ADMIN_TOKEN });
  client = signupClient(app.baseUrl, ADMIN_TOKEN);
});
afterAll(async () => {
  await Promise.all(exited.map((p) => p.stop()));
  await app?.stop();
});

/** The mail consumer's confirm of the user's message with `tag`, once consumed. */
async function mailConfirm(userId: string, tag: string) {
  const message = await client.messageWith(userId, tag, 'FINISHED');
  return { message, confirm: (message.confirms as any[]).find((c) => c.consumerGroup === 'CID_OPC') };
}

test('the locale field chooses German: the mail, the resend from another browser and the success mail are German, and each confirm says so', async () => {
  const user = client.newUser();
  const userId = await client.register({ ...user, locale: 'de' } as typeof user, { 'accept-language': 'en' });
  const [first] = await waitForMail(user.email);
  expect(first.subject).toBe('Aktivieren Sie Ihr Konto');
  expect(first.text).toMatch(/^Hallo /);
  expect(first.text).toContain('innerhalb von 24 Stunden');

  const { message, confirm } = await mailConfirm(userId, 'ACTIVE_USER');
  expect(confirm.sent).toEqual({
    template: 'activation',
    locale: 'de',
    templateVersion: expect.stringMatching(/^[0-9a-f]{12}$/),
    subject: 'Aktivieren Sie Ihr Konto',
  });
  // The audit trail holds no link and no code of the mail.
  const code = /^\d{6}$/m.exec(first.text!)![0];
  const token = activationLink(first.text!)!.split('/').pop()!;
  const trail = JSON.stringify(message);
  expect(trail).not.toContain(token);
  expect(trail).not.toContain(code);

  // A resend asked for from a browser that prefers English: the registration's locale stands.
  const resent = await client.api('POST', '/api/users/activation/resend', {
    json: { email: user.email },
    headers: { 'accept-language': 'en-GB,en;q=0.9' },
  });
  expect(resent.status).toBe(202);
  const [, second] = await waitForMail(user.email, 2);
  expect(second.subject).toBe('Aktivieren Sie Ihr Konto');

  expect((await activate(activationLink(second.text!)!)).status).toBe(200);
  const [, , success] = await waitForMail(user.email, 3);
  expect(success.subject).toBe('Ihr Konto ist aktiv');
  expect((await mailConfirm(userId, 'ACTIVE_USER_SUCCESS')).confirm.sent).toMatchObject({
    template: 'success',
    locale: 'de',
    subject: 'Ihr Konto ist aktiv',
  });
});

test('without the field, Accept-Language chooses; without either, DEFAULT_LOCALE (en)', async () => {
  const german = client.newUser();
  await client.register(german, { 'accept-language': 'fr-CH, de-AT;q=0.8, en;q=0.5' });
  expect((await waitForMail(german.email))[0].subject).toBe('Aktivieren Sie Ihr Konto');

  const english = client.newUser();
  await client.register(english);
  expect((await waitForMail(english.email))[0].subject).toBe('Activate your account');
});

test('a locale that is not a language tag is refused with 400 VALIDATION_FAILED', async () => {
  const res = await client.api('POST', '/api/users/register', { json: { ...client.newUser(), locale: '<de>' } });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('VALIDATION_FAILED');
});

test('the pages follow the browser: the code page in German for de, in English otherwise', async () => {
  const page = async (lang?: string) => {
    const res = await fetch(`${app.baseUrl}/activate/code`, { headers: lang ? { 'accept-language': lang } : {} });
    return { language: res.headers.get('content-language'), html: await res.text() };
  };
  expect(await page('de-DE,de;q=0.9')).toMatchObject({
    language: 'de',
    html: expect.stringContaining('<h1>Konto mit einem Code aktivieren</h1>'),
  });
  expect(await page()).toMatchObject({
    language: 'en',
    html: expect.stringContaining('<h1>Activate your account with a code</h1>'),
  });
});

test('the registration-attempt page follows the browser too: German for de, English otherwise; an expired one alike', async () => {
  const registered = await client.api('POST', '/api/users/register', { json: client.newUser() });
  expect(registered.status).toBe(202);
  const page = async (attempt: string, lang?: string) => {
    const res = await fetch(`${app.baseUrl}/signup/sent?attempt=${attempt}`, {
      headers: lang ? { 'accept-language': lang } : {},
    });
    return {
      status: res.status,
      language: res.headers.get('content-language'),
      vary: res.headers.get('vary'),
      refresh: res.headers.get('refresh'),
      html: await res.text(),
    };
  };
  const attempt = registered.body.attempt as string;
  expect(await page(attempt, 'de-DE,de;q=0.9,en;q=0.5')).toMatchObject({
    status: 200,
    language: 'de',
    vary: expect.stringContaining('Accept-Language'),
    // The reload as a header too: an overriding page layout without the meta refresh cannot drop it.
    refresh: `5;url=/signup/sent?attempt=${attempt}`,
    html: expect.stringMatching(
      /<h1>Sehen Sie in Ihr Postfach<\/h1><p id="attempt-status" data-status="(QUEUED|SENT|DELIVERED)">/,
    ),
  });
  expect(await page(attempt)).toMatchObject({
    language: 'en',
    html: expect.stringMatching(
      /<h1>Check your inbox<\/h1><p id="attempt-status" data-status="(QUEUED|SENT|DELIVERED)">/,
    ),
  });
  expect(await page('AAAAAAAAAAAAAAAAAAAAAA', 'de')).toMatchObject({
    status: 404,
    language: 'de',
    html: expect.stringContaining('<h1>Diese Seite ist abgelaufen</h1>'),
  });
});

test('an override directory with a broken template: the worker and the API exit non-zero, naming the file and line', async () => {
  const dir = mkdtempSync(join(process.env.TEST_DATA_DIR!, 'broken-templates-'));
  mkdirSync(join(dir, 'de'));
  writeFileSync(join(dir, 'de', 'activation.html.hbs'), '<p>Hallo {{loginName}},</p>\n<p>{{#if code}}{{code}}</p>\n');
  const env: NodeJS.ProcessEnv = { ...app.env, MAIL_TEMPLATES_DIR: dir };
  // Nothing to listen on: the check comes first.
  delete env.API_METRICS_ADDRESS;
  delete env.WORKER_METRICS_ADDRESS;
  for (const role of ['worker', 'api'] as const) {
    const proc = appProcess(role, env, join(process.env.TEST_DATA_DIR!, 'logs', `broken-templates-${role}.log`));
    exited.push(proc);
    proc.start();
    expect(await proc.exited()).not.toBe(0);
    expect(proc.logTail()).toContain(join(dir, 'de', 'activation.html.hbs:3'));
  }
});
