/**
 * Every HTML template as Chromium renders it, in both built-in locales (templates/en, templates/de):
 * each mail shows its button link and its code, each page its form; a login name like `<b>x</b>` shows
 * as text, not as markup; and nothing asks for a resource of any kind (images, styles, fonts, frames).
 * The attempt pages show their status element and the time of acceptance, and reload themselves (a meta
 * refresh) only while the status may change.
 * Then the console's preview: the HTML part in a sandboxed frame that runs nothing and loads nothing.
 */
import type { Browser, Page } from 'playwright-core';
import { MAIL_TEMPLATES, PAGE_TEMPLATES, type MailName, type PageName } from '../../infra/templates/catalog';
import { loadTemplateSet } from '../../infra/templates/template-set';
import { dateTimeInWords } from '../../infra/templates/date-time';
import { attemptPage } from '../../api/views/attempt-page';
import { startApp, type RunningApp } from '../setup/app';
import { browserTest, launchBrowser } from '../setup/browser';

const LOGIN_NAME = '<b>x</b>';
const LINK = 'https://signup.example.com/api/users/activate/jwLZaoI_p_TiOS7d9YA9jIJo3zk78SercsxYLes5oBc';
const CODE = '042917';
const ADMIN_TOKEN = 'templates-browser-admin';
const templates = loadTemplateSet({ defaultLocale: 'en' });
const LOCALES = ['en', 'de'];
/** The button text of each locale's activation link. */
const BUTTON: Record<string, string> = { en: 'Activate my account', de: 'Mein Konto aktivieren' };

let browser: Browser;
let page: Page;
/** Every request the page made for anything but its own document. */
let requests: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  page.on('request', (r) => {
    if (r.url() !== 'about:blank') requests.push(`${r.resourceType()} ${r.url()}`);
  });
});
afterAll(async () => {
  await browser?.close();
});

/** Opens `html` as its own document and answers what it loaded, and the elements that would load something. */
async function open(html: string) {
  requests = [];
  await page.setContent(html, { waitUntil: 'load' });
  const loaders = await page
    .locator('img, script, link, iframe, frame, object, embed, video, audio, source, [style*="url("], [background]')
    .count();
  return { requests: [...requests], loaders };
}

const mailCases = LOCALES.flatMap((locale) =>
  (Object.keys(MAIL_TEMPLATES) as MailName[]).map((name) => [name, locale] as const),
);

describe.each(mailCases)('the %s mail in %s', (name, locale) => {
  const mail = templates.mail(name, locale, {
    loginName: LOGIN_NAME,
    link: LINK,
    code: CODE,
    codePage: 'https://signup.example.com/activate/code',
    validFor: '24 hours',
    timeLeft: '6 hours',
  });
  const variables: readonly string[] = MAIL_TEMPLATES[name];

  browserTest(
    'shows its link as a button and its code; the login name as text; loads nothing',
    () => page,
    async () => {
      const { requests, loaders } = await open(mail.html);
      expect(requests).toEqual([]);
      expect(loaders).toBe(0);
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe(locale);
      await expect(page.getByRole('heading', { level: 2 }).textContent()).resolves.toBe(mail.subject);
      if (variables.includes('link')) {
        const button = page.getByRole('link', { name: BUTTON[locale] });
        await expect(button.isVisible()).resolves.toBe(true);
        await expect(button.getAttribute('href')).resolves.toBe(LINK);
        await expect(page.getByText(CODE, { exact: true }).isVisible()).resolves.toBe(true);
      } else {
        await expect(page.getByRole('link').count()).resolves.toBe(0);
      }
      if (variables.includes('loginName')) {
        await expect(page.getByText(LOGIN_NAME).first().isVisible()).resolves.toBe(true);
        await expect(page.locator('b').count()).resolves.toBe(0);
      }
    },
  );
});

/** What each page must offer a person: the control to press, and the fields to fill. */
const PAGE_CONTROLS: Record<PageName, { button?: 'activate' | 'resend'; fields: string[] }> = {
  'activation-confirm': { button: 'activate', fields: [] },
  'activation-done': { fields: [] },
  'already-active': { fields: [] },
  'link-invalid': { button: 'resend', fields: ['email'] },
  'code-entry': { button: 'activate', fields: ['email', 'code'] },
  'code-invalid': { button: 'activate', fields: ['email', 'code'] },
  'code-limited': { button: 'activate', fields: ['email', 'code'] },
  'check-inbox': { fields: [] },
  'resend-invalid': { button: 'resend', fields: ['email'] },
  'resend-limited': { button: 'resend', fields: ['email'] },
  'attempt-queued': { fields: [] },
  'attempt-sent': { fields: [] },
  'attempt-delivered': { fields: [] },
  'attempt-delayed': { fields: [] },
  'attempt-bounced': { fields: [] },
  'attempt-active': { fields: [] },
  'attempt-expired': { fields: [] },
  'attempt-limited': { fields: [] },
};
/** The attempt pages' values; a status with markup in it, to show it is escaped. */
const SENT_AT = new Date('2026-12-03T12:00:02Z');
const ATTEMPT_VALUES = {
  status: '<b>SENT</b>',
  sentAt: SENT_AT.toISOString(),
  sentAtText: 'at noon',
  refreshSeconds: '5',
};
const RESEND: Record<string, string> = { en: 'Send me a new activation link', de: 'Neuen Aktivierungslink senden' };

const pageCases = LOCALES.flatMap((locale) =>
  (Object.keys(PAGE_TEMPLATES) as PageName[]).map((name) => [name, locale] as const),
);

describe.each(pageCases)('the %s page in %s', (name, locale) => {
  const rendered = templates.page(name, locale, { token: 'a-token', ...ATTEMPT_VALUES });
  const variables: readonly string[] = PAGE_TEMPLATES[name];

  browserTest(
    'shows its title and what a person needs to go on; loads nothing',
    () => page,
    async () => {
      const { requests, loaders } = await open(rendered.html);
      expect(requests).toEqual([]);
      expect(loaders).toBe(0);
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe(locale);
      await expect(page.title()).resolves.toBe(rendered.title);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(rendered.title);
      const { button, fields } = PAGE_CONTROLS[name];
      if (button) {
        const label = button === 'activate' ? BUTTON[locale] : RESEND[locale];
        await expect(page.getByRole('button', { name: label }).isVisible()).resolves.toBe(true);
      } else {
        await expect(page.getByRole('button').count()).resolves.toBe(0);
      }
      for (const field of fields) await expect(page.locator(`input[name="${field}"]`).isVisible()).resolves.toBe(true);
      if (name === 'activation-confirm')
        await expect(page.locator('form').getAttribute('action')).resolves.toBe('/api/users/activate/a-token');
      if (variables.includes('status')) {
        const status = page.locator('#attempt-status');
        await expect(status.getAttribute('data-status')).resolves.toBe(ATTEMPT_VALUES.status);
        await expect(status.textContent()).resolves.toMatch(/^<b>SENT<\/b>: \S/);
        await expect(page.locator('b').count()).resolves.toBe(0);
        await expect(page.locator('time').getAttribute('datetime')).resolves.toBe(ATTEMPT_VALUES.sentAt);
        await expect(page.locator('time').textContent()).resolves.toBe('at noon');
      }
      await expect(page.locator('meta[http-equiv="refresh"]').count()).resolves.toBe(0);
    },
  );
});

describe.each(LOCALES)('the attempt page in %s, as /signup/sent answers it', (locale) => {
  browserTest(
    'reloads itself with a meta refresh while the status may change, and stops once it is final',
    () => page,
    async () => {
      const attempt = 'AAAAAAAAAAAAAAAAAAAAAA';
      await open(attemptPage(templates, locale, attempt, { status: 'DELAYED', sentAt: SENT_AT }).html);
      await expect(page.locator('meta[http-equiv="refresh"]').getAttribute('content')).resolves.toBe(
        `5;url=/signup/sent?attempt=${attempt}`,
      );
      await expect(page.locator('#attempt-status').getAttribute('data-status')).resolves.toBe('DELAYED');
      await expect(page.locator('time').textContent()).resolves.toBe(dateTimeInWords(SENT_AT, locale));
      const { requests, loaders } = await open(attemptPage(templates, locale, attempt, { status: 'ACTIVE' }).html);
      expect(requests).toEqual([]);
      expect(loaders).toBe(0);
      await expect(page.locator('meta[http-equiv="refresh"]').count()).resolves.toBe(0);
      await expect(page.locator('time').count()).resolves.toBe(0);
    },
  );
});

describe('the console preview', () => {
  let app: RunningApp;
  let console: Page;

  beforeAll(async () => {
    app = await startApp({ ADMIN_TOKEN });
    console = await (await browser.newContext({ baseURL: app.baseUrl })).newPage();
  });
  afterAll(async () => {
    await app?.stop();
  });

  browserTest(
    'renders a template in a locale with sample data: subject, text part, and the HTML part in a sandboxed frame',
    () => console,
    async () => {
      await console.goto('/admin/templates');
      await console.getByLabel('Admin token').fill(ADMIN_TOKEN);
      await Promise.all([console.waitForNavigation(), console.getByRole('button', { name: 'Log in' }).click()]);
      await console.goto('/admin/templates');
      await console.getByLabel('template').selectOption('activation');
      await console.getByLabel('locale').selectOption('de');
      await Promise.all([console.waitForNavigation(), console.getByRole('button', { name: 'Preview' }).click()]);

      await expect(console.getByRole('cell', { name: 'Aktivieren Sie Ihr Konto' }).isVisible()).resolves.toBe(true);
      await expect(console.locator('pre').textContent()).resolves.toContain('Hallo <b>alice</b>,');
      const frame = console.locator('iframe');
      await expect(frame.getAttribute('sandbox')).resolves.toBe('');
      const inside = console.frameLocator('iframe');
      await expect(inside.getByRole('link', { name: BUTTON.de }).isVisible()).resolves.toBe(true);
      await expect(inside.getByText('Hallo <b>alice</b>,').isVisible()).resolves.toBe(true);
      await expect(inside.locator('b').count()).resolves.toBe(0);
      // Opened by itself, the frame's document is sandboxed by its own policy: no script, nothing loaded.
      const alone = await console.request.get((await frame.getAttribute('src'))!);
      expect(alone.headers()['content-security-policy']).toMatch(/^sandbox; default-src 'none';/);
    },
  );
});
