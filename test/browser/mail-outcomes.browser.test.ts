/**
 * A registrant's "check your inbox" page and the operator's suppression page in a real browser
 * (Debian's Chromium), on the real stack, the whole loop: a registration at bounce.test sends its mail
 * to this file's SMTP server, `npm start`'s mail simulator (stack/mail-simulator.ts) posts the hard
 * bounce, signed, to the app's generic webhook, and the page the person opened turns to "this address
 * does not accept mail"; the console lists the address and lifts it after a confirm page.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { randomBytes, randomUUID } from 'node:crypto';
import { browserTest, launchBrowser, recordingPage } from '../setup/browser';
import { eventually } from '../setup/http';
import { startMailSimulator } from '../../stack/mail-simulator';
import { startApp, type RunningApp } from '../setup/app';
import { startPrivateServer, type PrivateServer } from '../setup/private-server';
import { signupClient } from '../setup/signup';

const ADMIN_TOKEN = 'outcomes-console-token';
let smtp: PrivateServer;
let app: RunningApp;
let client: ReturnType<typeof signupClient>;
let simulator: { stop(): void };
const SECRET = randomBytes(24).toString('base64url');
let browser: Browser;
let context: BrowserContext;
let page: Page;
let documents: { url: string; html: string }[];
const bounceAddress = () => `someone.${randomUUID().slice(0, 8)}@bounce.test`;

beforeAll(async () => {
  smtp = await startPrivateServer('smtp');
  [app, browser] = await Promise.all([
    startApp({ ...smtp.env, ADMIN_TOKEN, MAIL_EVENTS_GENERIC_SECRET: SECRET }),
    launchBrowser(),
  ]);
  client = signupClient(app.baseUrl, ADMIN_TOKEN);
  simulator = startMailSimulator({
    mailApiUrl: smtp.env.MAIL_API_URL,
    webhookUrl: `${app.baseUrl}/webhooks/mail-events/generic`,
    secret: SECRET,
    // Longer than two of the page's refreshes: the person sees the mail SENT before it bounces.
    delayMs: 12_000,
    pollMs: 200,
  });
  context = await browser.newContext({ baseURL: app.baseUrl });
  ({ page, documents } = await recordingPage(context));
});
afterAll(async () => {
  await browser?.close();
  simulator?.stop();
  await app?.stop();
  await smtp?.stop();
});

/** Registers at `email`, as a person would; answers the attempt the answer names. */
async function registerAt(email: string): Promise<string> {
  const registered = await client.api('POST', '/api/users/register', {
    json: { loginName: `someone_${randomUUID().slice(0, 8)}`, email, password: 'correct horse battery staple' },
  });
  expect(registered.status).toBe(202);
  return registered.body.attempt as string;
}

const shownStatus = (status: string) =>
  page.locator(`#attempt-status[data-status="${status}"]`).waitFor({ timeout: 60_000 });

browserTest(
  'the "check your inbox" page follows the mail, and turns to the bounce message once the provider reports a hard bounce',
  () => page,
  async () => {
    const email = bounceAddress();
    const attempt = await registerAt(email);

    const opened = await page.goto(`/signup/sent?attempt=${attempt}`);
    expect(opened?.headers()['content-security-policy']).not.toMatch(/script-src[^;]*unsafe-inline/);
    // The page refreshes itself (a meta refresh, no script) until the mail server has accepted the mail.
    await shownStatus('SENT');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Check your inbox');
    await expect(page.locator('main, body').first().textContent()).resolves.toMatch(/Accepted by our mail server at/);

    // The simulator reports the hard bounce through the signed webhook; the page refreshes itself to it.
    await shownStatus('BOUNCED');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'This address does not accept mail',
    );
    await expect(page.locator('#attempt-status').textContent()).resolves.toMatch(
      /This address does not accept mail — check it and register again\./,
    );
    // Final: the page stops refreshing itself.
    expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
    for (const doc of documents.filter((d) => d.url.includes('/signup/sent'))) expect(doc.html).not.toMatch(/<script/i);
  },
  180_000,
);

browserTest(
  'a browser that prefers German gets the page in German: the same status element, the time of acceptance, the refresh',
  () => page,
  async () => {
    const attempt = await registerAt(`someone.${randomUUID().slice(0, 8)}@example.com`);
    const german = await (await browser.newContext({ baseURL: app.baseUrl, locale: 'de-DE' })).newPage();
    try {
      const opened = await german.goto(`/signup/sent?attempt=${attempt}`);
      expect(opened?.headers()['content-language']).toBe('de');
      await german.locator('#attempt-status[data-status="SENT"]').waitFor({ timeout: 60_000 });
      await expect(german.locator('html').getAttribute('lang')).resolves.toBe('de');
      await expect(german.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Sehen Sie in Ihr Postfach');
      await expect(german.locator('#attempt-status').textContent()).resolves.toMatch(
        /^SENT: Unser Mailserver hat die Mail angenommen/,
      );
      await expect(german.locator('body').textContent()).resolves.toMatch(/Von unserem Mailserver angenommen am/);
      await expect(german.locator('time').getAttribute('datetime')).resolves.toMatch(/^\d{4}-\d\d-\d\dT/);
      await expect(german.locator('meta[http-equiv="refresh"]').getAttribute('content')).resolves.toBe(
        `5;url=/signup/sent?attempt=${attempt}`,
      );

      const expired = await german.goto('/signup/sent?attempt=AAAAAAAAAAAAAAAAAAAAAA');
      expect(expired?.status()).toBe(404);
      await expect(german.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Diese Seite ist abgelaufen');
    } finally {
      await german.context().close();
    }
  },
  120_000,
);

browserTest(
  "the console's suppression page lists the address, finds it, and lifts it after a confirm page; the message's page shows the provider's event",
  () => page,
  async () => {
    const email = bounceAddress();
    await registerAt(email);
    const { userId } = await client.lookUp(email);
    const { messageKey: bouncedKey } = await client.messageWith(userId, 'ACTIVE_USER', 'BOUNCED');
    await eventually(async () => {
      const listed = await client.api('GET', `/api/suppressions?email=${encodeURIComponent(email)}`, {
        headers: client.admin,
      });
      return listed.body.items?.length === 1;
    }, 'the address on the suppression list');

    await page.goto('/admin');
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Log in' }).click()]);
    await page.getByRole('link', { name: 'Suppressions' }).click();
    await page.waitForURL('**/admin/suppressions');
    const row = page.getByRole('row').filter({ hasText: email });
    await expect(row.textContent()).resolves.toMatch(/hard-bounce/);
    await expect(row.textContent()).resolves.toMatch(/mailbox does not exist/);

    // The message's page shows the provider's event on the mail consumer's delivery.
    await page.goto(`/admin/messages/${bouncedKey}`);
    const delivery = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'CID_OPC', exact: true }) });
    await expect(delivery.textContent()).resolves.toMatch(/BOUNCED/);
    await expect(delivery.textContent()).resolves.toMatch(/hard bounce\s*\(generic/);
    await page.goto('/admin/suppressions');

    await page.getByLabel('E-mail address').fill(email);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/email=/);
    expect(await page.getByRole('row').filter({ hasText: email }).count()).toBe(1);

    await page.getByRole('row').filter({ hasText: email }).getByRole('link', { name: 'Lift…' }).click();
    await page.waitForURL('**/admin/suppressions/lift?**');
    // Asking changes nothing.
    const still = await client.api('GET', `/api/suppressions?email=${encodeURIComponent(email)}`, {
      headers: client.admin,
    });
    expect(still.body.items).toHaveLength(1);
    await page.getByRole('button', { name: `Lift the suppression of ${email}` }).click();
    await page.waitForURL(/lifted=/);
    await expect(page.getByRole('status').textContent()).resolves.toBe(`${email} is no longer suppressed.`);
    expect(await page.getByRole('row').filter({ hasText: email }).count()).toBe(0);
    const lifted = await client.api('GET', `/api/suppressions?email=${encodeURIComponent(email)}`, {
      headers: client.admin,
    });
    expect(lifted.body.items).toEqual([]);
  },
  120_000,
);
