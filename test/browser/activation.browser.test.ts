/**
 * The activation link in Chromium, as a link scanner and then as its person would open it: HEAD, a GET
 * with a scanner's user agent, and the page loaded with its scripts run and left alone for 5 s all leave
 * the account DISABLED; the button activates it, with exactly one success mail; a reload says it is
 * already active.
 */
import type { Browser, Page } from 'playwright-core';
import { startApp, type RunningApp } from '../setup/app';
import { browserTest, launchBrowser } from '../setup/browser';
import { mailTo, waitForMail } from '../setup/mailbox';
import { activationLink, signupClient } from '../setup/signup';

const ADMIN_TOKEN = 'activation-browser-admin';
const SCANNER_AGENT = 'Mozilla/5.0 (compatible; Microsoft-Safelinks-Scanner/1.0)';
let app: RunningApp;
let client: ReturnType<typeof signupClient>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp({ ADMIN_TOKEN }), launchBrowser()]);
  client = signupClient(app.baseUrl, ADMIN_TOKEN);
  page = await (await browser.newContext({ userAgent: SCANNER_AGENT })).newPage();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

browserTest(
  'a scanner that opens the link, runs its page and waits activates nothing; the button does, once',
  () => page,
  async () => {
    const user = client.newUser();
    const userId = await client.register(user);
    const [mail] = await waitForMail(user.email);
    const link = activationLink(mail.text!)!;
    const status = async () => (await client.lookUp(user.email)).status;

    expect((await page.request.head(link, { headers: { accept: '*/*' } })).status()).toBe(200);
    expect((await page.request.get(link, { headers: { accept: '*/*' } })).status()).toBe(200);
    expect(await status()).toBe('DISABLED');

    const opened = await page.goto(link, { waitUntil: 'load' });
    expect(opened?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Activate your account');
    // What a scanner that runs the page's scripts and waits for it to act would see: nothing happens.
    await page.waitForTimeout(5000);
    expect(new URL(page.url()).pathname).toBe(new URL(link).pathname);
    expect(await status()).toBe('DISABLED');

    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Activate my account' }).click()]);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Your account is active');
    expect(await status()).toBe('ENABLED');
    await client.messageWith(userId, 'ACTIVE_USER_SUCCESS', 'FINISHED');
    expect((await mailTo(user.email)).filter((m) => m.subject === 'Your account is active')).toHaveLength(1);

    // A reload of the result would POST again: the person's reload is of the link, as the mail opens it.
    await page.goto(link);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Your account is already active');
  },
  120_000,
);
