/**
 * The Temporal Web UI (the dev server's, in Debian's Chromium) reads a registration through the API's
 * codec with no secret of its own: the operator's console session is the credential. Logged in to the
 * console, with the UI's codec set as an operator sets it in this browser (the API's /codec, cross-origin
 * credentials included), the workflow's input shows decoded; not logged in, the codec refuses and the UI
 * shows ciphertext.
 */
import type { Browser, Page } from 'playwright-core';
import { startApp, type RunningApp } from '../setup/app';
import { browserTest, launchBrowser } from '../setup/browser';
import { signupClient } from '../setup/signup';

const ADMIN_TOKEN = 'codec-ui-admin-token';
const uiUrl = process.env.TEST_TEMPORAL_UI_URL!;
let app: RunningApp;
let browser: Browser;
let page: Page;
let user: { email: string; loginName: string };
let workflowId: string;

beforeAll(async () => {
  expect(uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  [app, browser] = await Promise.all([startApp({ ADMIN_TOKEN, CODEC_CORS_ORIGINS: uiUrl }), launchBrowser()]);
  const client = signupClient(app.baseUrl, ADMIN_TOKEN);
  user = client.newUser();
  await client.register(user);
  ({ workflowId } = await client.lookUp(user.email));
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** Opens the registration's workflow in the Web UI of a fresh browser, logged in to the console or not. */
async function openWorkflow(loggedIn: boolean): Promise<{ codecStatuses: number[] }> {
  const context = await browser.newContext();
  page = await context.newPage();
  const codecStatuses: number[] = [];
  page.on('response', (res) => {
    if (res.url().startsWith(`${app.baseUrl}/codec/decode`)) codecStatuses.push(res.status());
  });
  if (loggedIn) {
    await page.goto(`${app.baseUrl}/admin`);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await Promise.all([page.waitForURL(`${app.baseUrl}/admin`), page.getByRole('button', { name: 'Log in' }).click()]);
  }
  // What the UI's "Codec Server" settings keep in this browser when the operator sets them.
  await page.goto(uiUrl);
  await page.evaluate((endpoint) => {
    const { localStorage } = globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } };
    localStorage.setItem('overrideRemoteCodecConfiguration', 'true');
    localStorage.setItem('endpoint', JSON.stringify(endpoint));
    localStorage.setItem('includeCredentials', 'true');
  }, `${app.baseUrl}/codec`);
  await page.goto(`${uiUrl}/namespaces/default/workflows/${workflowId}`);
  return { codecStatuses };
}

browserTest(
  'logged in to the console, the Web UI shows the registration input decoded',
  () => page,
  async () => {
    const { codecStatuses } = await openWorkflow(true);
    await page.getByText(`"loginName": "${user.loginName}"`).first().waitFor({ timeout: 30_000 });
    expect(codecStatuses.length).toBeGreaterThan(0);
    expect(codecStatuses.every((status) => status === 200)).toBe(true);
  },
);

browserTest(
  'not logged in, the codec refuses the Web UI and the input stays ciphertext',
  () => page,
  async () => {
    const { codecStatuses } = await openWorkflow(false);
    await page
      .getByText('Codec Server could not connect')
      .filter({ visible: true })
      .first()
      .waitFor({ timeout: 30_000 });
    expect(codecStatuses).toContain(401);
    expect(await page.content()).not.toContain(user.loginName);
  },
);
