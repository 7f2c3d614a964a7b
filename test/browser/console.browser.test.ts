/**
 * The operator console in a real browser (Debian's Chromium through playwright-core), against the real
 * stack: log in, filter, open a DEAD message and resend it, resend every dead message of a consumer
 * group; a wrong token and a form without its CSRF token refused; no secret in any page or URL. DEAD
 * messages are made by registering while the app's SMTP server (this file's own) is stopped.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserTest, launchBrowser, recordingPage } from '../setup/browser';
import { eventually } from '../setup/http';
import { mailTo, waitForMail } from '../setup/mailbox';
import { startApp, type RunningApp } from '../setup/app';
import { startPrivateServer, type PrivateServer } from '../setup/private-server';
import { activationLink, signupClient } from '../setup/signup';

const ADMIN_TOKEN = 'console-admin-token-that-must-never-show';
const TEMPORAL_UI_URL = 'http://temporal-ui.example.test:8233';
let smtp: PrivateServer;
let app: RunningApp;
let client: ReturnType<typeof signupClient>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let documents: { url: string; html: string }[];
const users: ReturnType<ReturnType<typeof signupClient>['newUser']>[] = [];
const deadKeys: string[] = [];

beforeAll(async () => {
  smtp = await startPrivateServer('smtp');
  [app, browser] = await Promise.all([
    startApp({ ...smtp.env, ADMIN_TOKEN, DELIVERY_MAX_ATTEMPTS: '2', TEMPORAL_UI_URL }),
    launchBrowser(),
  ]);
  client = signupClient(app.baseUrl, ADMIN_TOKEN);
  context = await browser.newContext({ baseURL: app.baseUrl });
  ({ page, documents } = await recordingPage(context));
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await smtp?.stop();
});

/** Registers `count` users while SMTP is down and waits until each activation message is DEAD. */
async function deadMessages(count: number): Promise<string[]> {
  await smtp.stop();
  const made = Array.from({ length: count }, () => client.newUser());
  users.push(...made);
  const userIds = await Promise.all(made.map((u) => client.register(u)));
  const keys: string[] = [];
  for (const userId of userIds)
    keys.push((await client.messageWith(userId, 'ACTIVE_USER', 'DEAD')).messageKey as string);
  await smtp.start();
  deadKeys.push(...keys);
  return keys;
}

async function logIn(token: string) {
  await page.goto('/admin');
  await page.getByLabel('Admin token').fill(token);
  return Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Log in' }).click()]).then(([r]) => r);
}

const sessionCookie = async () => (await context.cookies()).find((c) => c.name === 'admin_session');

browserTest(
  'the console needs a login; a wrong token is refused',
  () => page,
  async () => {
    await page.goto('/admin/messages');
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    const refused = await logIn('not-the-token');
    expect(refused?.status()).toBe(401);
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/not the admin token/);
    expect(await sessionCookie()).toBeUndefined();
    expect(new URL(page.url()).pathname).toBe('/admin/login');
  },
);

browserTest(
  'the admin token logs in: an HttpOnly, SameSite=Strict session cookie, and the overview',
  () => page,
  async () => {
    const answered = await logIn(ADMIN_TOKEN);
    expect(answered?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/admin');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Overview');
    expect(await page.getByRole('table').count()).toBeGreaterThanOrEqual(2);
    expect(await sessionCookie()).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin', secure: false });
  },
);

browserTest(
  'filter to a DEAD message, open it, resend it, and see it FINISHED',
  () => page,
  async () => {
    const [messageKey] = await deadMessages(1);
    await page.goto('/admin/messages');
    await page.getByLabel('Status').selectOption('DEAD');
    await page.getByLabel('Consumer group').selectOption('CID_OPC');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/status=DEAD/);
    await page.getByRole('link', { name: messageKey }).click();
    await page.waitForURL(`**/admin/messages/${messageKey}`);

    const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'CID_OPC', exact: true }) });
    await expect(row.textContent()).resolves.toMatch(/DEAD\s*2/);
    const workflowLink = page.getByRole('link', { name: /^registration-/ });
    expect(await workflowLink.getAttribute('href')).toMatch(
      new RegExp(`^${TEMPORAL_UI_URL}/namespaces/default/workflows/registration-`),
    );

    await page.getByRole('button', { name: 'Resend this message' }).click();
    await page.waitForURL(/resent=1/);
    await eventually(
      async () => {
        await page.reload();
        return (await page.getByRole('row').filter({ hasText: 'status' }).first().textContent())?.includes('FINISHED');
      },
      'the message FINISHED on its page',
      60_000,
    );
  },
  180_000,
);

browserTest(
  'resend every dead message of a consumer group, after a page that says how many',
  () => page,
  async () => {
    const keys = await deadMessages(2);
    await page.goto('/admin/resend-dead');
    await page.getByLabel('Consumer group').selectOption('CID_OPC');
    await page.getByRole('button', { name: 'Count them' }).click();
    await expect(page.locator('main').textContent()).resolves.toMatch(/2 DEAD messages for consumer group CID_OPC/);
    await page.getByRole('button', { name: 'Resend 2 messages' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toMatch(/Resent 2 messages/);
    for (const key of keys) {
      await eventually(
        async () =>
          (await client.api('GET', `/api/messages/${key}`, { headers: client.admin })).body.status === 'FINISHED',
        `${key} FINISHED`,
        60_000,
      );
    }
  },
  180_000,
);

browserTest(
  'find a registration by e-mail: its stage, its activation window, its messages and its workflow; an unknown address is said so',
  () => page,
  async () => {
    const user = client.newUser();
    const userId = await client.register(user);
    const activation = await client.messageWith(userId, 'ACTIVE_USER', 'FINISHED');
    await page.goto('/admin');
    await page.getByRole('link', { name: 'Find a registration' }).click();
    await page.getByLabel('E-mail address').fill(user.email.toUpperCase());
    await page.getByRole('button', { name: 'Find' }).click();
    await page.waitForURL(/\/admin\/registrations\?email=/);

    const stage = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'stage' }) });
    await expect(stage.textContent()).resolves.toMatch(/AWAITING_ACTIVATION/);
    await expect(page.locator('main').textContent()).resolves.toContain(userId);
    // The window: 24 h from the mail's acceptance, the reminder due 6 h before its end (the defaults).
    const timeIn = async (header: string) => {
      const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: header, exact: true }) });
      return Date.parse((await row.locator('time').getAttribute('datetime'))!);
    };
    const accepted = await timeIn('activation mail accepted');
    expect(accepted).toBeGreaterThanOrEqual(await timeIn('registered'));
    expect(await timeIn('activation window ends')).toBe(accepted + 24 * 3600_000);
    expect(await timeIn('reminder sent')).toBe(accepted + 18 * 3600_000);
    await expect(page.getByRole('row', { name: /reminder sent/ }).textContent()).resolves.toMatch(/due/);
    const workflowLink = page.getByRole('link', { name: /^registration-/ });
    expect(await workflowLink.getAttribute('href')).toMatch(
      new RegExp(`^${TEMPORAL_UI_URL}/namespaces/default/workflows/registration-`),
    );
    await page.getByRole('link', { name: activation.messageKey as string }).click();
    await page.waitForURL(`**/admin/messages/${activation.messageKey as string}`);

    const unknown = await page.goto('/admin/registrations?email=nobody%40example.test');
    expect(unknown?.status()).toBe(404);
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/No registration/);
  },
  120_000,
);

browserTest(
  'a POST without the session CSRF token, or with another, is refused',
  () => page,
  async () => {
    const resendAll = await page.request.post('/admin/resend-dead', { form: { consumerGroup: 'CID_OPC' } });
    expect(resendAll.status()).toBe(403);
    const forged = await page.request.post('/admin/resend-dead', {
      form: { consumerGroup: 'CID_OPC', _csrf: 'forged' },
    });
    expect(forged.status()).toBe(403);
    const logout = await page.request.post('/admin/logout', { form: {} });
    expect(logout.status()).toBe(403);
    const login = await page.request.post('/admin/login', { form: { token: ADMIN_TOKEN } });
    expect(login.status()).toBe(403);
    // Still logged in: none of them did anything.
    await page.goto('/admin');
    expect(new URL(page.url()).pathname).toBe('/admin');
  },
);

browserTest(
  'no page or URL holds the admin token, a password or an activation token',
  () => page,
  async () => {
    const tokens: string[] = [];
    for (const user of users) {
      const mails = await waitForMail(user.email, 1, { apiUrl: smtp.env.MAIL_API_URL });
      const link = activationLink(mails[0].text ?? '');
      expect(link).toBeDefined();
      tokens.push(link!.split('/').pop()!);
    }
    expect(tokens.length).toBeGreaterThan(0);
    for (const key of deadKeys) {
      await page.goto(`/admin/messages/${key}`);
      const userId = await page.getByRole('row').filter({ hasText: 'user id' }).locator('td').textContent();
      await page.goto(`/admin/messages?userId=${userId}`);
      expect(await page.getByRole('link', { name: key }).count()).toBe(1);
    }
    const secrets = [ADMIN_TOKEN, ...users.map((u) => u.password), ...tokens];
    expect(documents.length).toBeGreaterThan(5);
    for (const { url, html } of documents) {
      for (const secret of secrets) {
        expect(url).not.toContain(secret);
        expect(html).not.toContain(secret);
      }
      expect(html).not.toContain('tokenSalt');
      expect(html).not.toMatch(/<script/i);
    }
    expect(await mailTo(users[0].email, smtp.env.MAIL_API_URL)).toHaveLength(1);
  },
);

browserTest(
  'logging out ends the session',
  () => page,
  async () => {
    await page.goto('/admin');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL('**/admin/login');
    expect(await sessionCookie()).toBeUndefined();
    await page.goto('/admin/messages');
    expect(new URL(page.url()).pathname).toBe('/admin/login');
  },
);

browserTest(
  'repeated wrong tokens are rate-limited per client IP (429 with Retry-After)',
  () => page,
  async () => {
    let status: number | undefined;
    let retryAfter: string | null | undefined;
    for (let attempt = 0; attempt < 15 && status !== 429; attempt++) {
      const answer = await logIn('still-not-the-token');
      status = answer?.status();
      retryAfter = await answer?.headerValue('retry-after');
    }
    expect(status).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/Too many attempts/);
  },
);
