/**
 * The activation link and the mail's code on the real stack. Opening the link (HEAD, GET as a link scanner
 * or as a JSON client) changes nothing; its page's button (a form POST) activates, once; the link then
 * says "already active". The code beside the link activates as the link would; 5 tries spend it while the
 * link still works; a wrong code, a spent one and an address nobody registered get one answer; the limits
 * answer 429 with Retry-After.
 */
import { startApp, type RunningApp } from '../setup/app';
import { request } from '../setup/http';
import { mailTo, waitForMail, type CaughtMail } from '../setup/mailbox';
import { activate, activationLink, signupClient } from '../setup/signup';

const ADMIN_TOKEN = 'activation-admin';
const TRIES_PER_ADDRESS = 8;
const TRIES_PER_CLIENT = 40;
let app: RunningApp;
let client: ReturnType<typeof signupClient>;

beforeAll(async () => {
  app = await startApp({
    ADMIN_TOKEN,
    ACTIVATION_CODE_TRIES_PER_ADDRESS_PER_HOUR: String(TRIES_PER_ADDRESS),
    RATE_LIMIT_CODE_PER_MINUTE: String(TRIES_PER_CLIENT),
  });
  client = signupClient(app.baseUrl, ADMIN_TOKEN);
});
afterAll(async () => {
  await app?.stop();
});

const SCANNER = {
  'user-agent': 'Mozilla/5.0 (compatible; Microsoft-Safelinks-Scanner/1.0)',
  accept: '*/*',
};
const codeIn = (mail: CaughtMail) => /^([0-9]{6})$/m.exec(mail.text!)![1];
const tryCode = (email: string, code: string) =>
  request(app.baseUrl, 'POST', '/api/users/activate', { json: { email, code } });
/** A six-digit code that is not `code`. */
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

async function registered() {
  const user = client.newUser();
  const userId = await client.register(user);
  const [mail] = await waitForMail(user.email);
  return { user, userId, mail, link: activationLink(mail.text!)! };
}

/** Waits until the success mail's message is FINISHED, then counts the success mails. */
async function successMails(userId: string, email: string) {
  await client.messageWith(userId, 'ACTIVE_USER_SUCCESS', 'FINISHED');
  return (await mailTo(email)).filter((m) => m.subject === 'Your account is active').length;
}

test('HEAD and GET of the link, as a scanner or a JSON client, leave the user DISABLED; the button activates it, once', async () => {
  const { user, userId, link } = await registered();

  const head = await fetch(link, { method: 'HEAD', headers: SCANNER });
  expect(head.status).toBe(200);
  expect((await fetch(link, { headers: SCANNER })).status).toBe(200);
  const opened = await fetch(link, { headers: { ...SCANNER, accept: 'text/html,*/*;q=0.8' } });
  expect(opened.status).toBe(200);
  const page = await opened.text();
  expect(page).toContain('<h1>Activate your account</h1>');
  expect(page).toMatch(/<form method="post" action="\/api\/users\/activate\/[A-Za-z0-9_-]{43}">/);
  expect(page).not.toMatch(/<script/i);
  const asJson = await request(link, 'GET', '', { headers: { accept: 'application/json' } });
  expect(asJson.status).toBe(200);
  expect(asJson.body).toMatchObject({ status: 'CONFIRM_WITH_POST' });
  expect(await client.lookUp(user.email)).toMatchObject({ status: 'DISABLED', stage: 'AWAITING_ACTIVATION' });

  // The button: the form's POST, answered with a page.
  const form = page.match(/action="([^"]+)"/)![1];
  const posted = await fetch(new URL(form, app.baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    body: new URLSearchParams({ token: link.split('/').pop()! }).toString(),
  });
  expect(posted.status).toBe(200);
  expect(await posted.text()).toContain('<h1>Your account is active</h1>');
  expect(await client.lookUp(user.email)).toMatchObject({ status: 'ENABLED' });
  expect(await successMails(userId, user.email)).toBe(1);

  const again = await fetch(link, { headers: { accept: 'text/html' } });
  expect(again.status).toBe(200);
  expect(await again.text()).toContain('Your account is already active');
  expect((await request(link, 'GET', '')).body).toMatchObject({ status: 'ALREADY_ACTIVE' });
  expect((await activate(link)).body).toMatchObject({ status: 'ALREADY_ACTIVE' });
  expect(await successMails(userId, user.email)).toBe(1);
});

test('the JSON API activates with the token in a POST', async () => {
  const { user, userId, link } = await registered();
  const token = link.split('/').pop()!;
  const activated = await request(app.baseUrl, 'POST', '/api/users/activate', { json: { token } });
  expect(activated.status).toBe(200);
  expect(activated.body).toEqual({ userId, status: 'ENABLED' });
  expect(await client.lookUp(user.email)).toMatchObject({ status: 'ENABLED' });
  const unknown = await request(app.baseUrl, 'POST', '/api/users/activate', { json: { token: 'A'.repeat(43) } });
  expect(unknown.status).toBe(410);
  expect(unknown.body.error.code).toBe('TOKEN_INVALID');
});

test('the mail carries a code beside the link, and the code activates the account', async () => {
  const { user, userId, mail } = await registered();
  const code = codeIn(mail);
  expect(mail.text).toContain(`${app.baseUrl}/activate/code`);
  const activated = await tryCode(user.email.toUpperCase(), code);
  expect(activated.status).toBe(200);
  expect(activated.body).toEqual({ userId, status: 'ENABLED' });
  expect(await client.lookUp(user.email)).toMatchObject({ status: 'ENABLED' });
  expect(await successMails(userId, user.email)).toBe(1);
});

test('5 wrong codes spend the code: the right one is then refused as a wrong one, and the link still works', async () => {
  const { user, mail, link } = await registered();
  const code = codeIn(mail);
  const answers = [];
  for (let i = 0; i < 5; i++) answers.push(await tryCode(user.email, wrong(code)));
  const spent = await tryCode(user.email, code);
  for (const answer of [...answers, spent]) {
    expect(answer.status).toBe(410);
    expect(answer.body).toEqual(answers[0].body);
  }
  expect(answers[0].body.error.code).toBe('CODE_INVALID');
  expect(await client.lookUp(user.email)).toMatchObject({ status: 'DISABLED' });
  expect((await activate(link)).body).toMatchObject({ status: 'ENABLED' });
});

test('an address nobody registered and a wrong code get the same answer', async () => {
  const { user, mail } = await registered();
  const stranger = await tryCode(client.newUser().email, '123456');
  const wrongCode = await tryCode(user.email, wrong(codeIn(mail)));
  expect({ status: stranger.status, body: stranger.body }).toEqual({ status: wrongCode.status, body: wrongCode.body });
});

test('the page /activate/code takes the address and the code in a plain form', async () => {
  const { user, userId, mail } = await registered();
  const page = await fetch(`${app.baseUrl}/activate/code`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('<form method="post" action="/activate/code">');
  expect(html).not.toMatch(/<script/i);
  const submit = (email: string, code: string) =>
    fetch(`${app.baseUrl}/activate/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email, code }).toString(),
    });
  const refused = await submit(user.email, wrong(codeIn(mail)));
  const stranger = await submit(client.newUser().email, '000000');
  expect(refused.status).toBe(410);
  expect(await refused.text()).toBe(await stranger.text());
  const activated = await submit(user.email, codeIn(mail));
  expect(activated.status).toBe(200);
  expect(await activated.text()).toContain('<h1>Your account is active</h1>');
  expect(await successMails(userId, user.email)).toBe(1);
});

test('past the tries per address, the answer is 429 with Retry-After, for a registered address and an unknown one alike', async () => {
  const { user, mail } = await registered();
  const stranger = client.newUser().email;
  for (const email of [user.email, stranger]) {
    for (let i = 0; i < TRIES_PER_ADDRESS; i++) expect((await tryCode(email, wrong(codeIn(mail)))).status).toBe(410);
    const limited = await tryCode(email, codeIn(mail));
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  }
});

test('past the tries per client, at any addresses, the answer is 429 with Retry-After', async () => {
  let limited;
  for (let i = 0; i <= 2 * TRIES_PER_CLIENT && !limited; i++) {
    const answer = await tryCode(client.newUser().email, '123456');
    if (answer.status === 429) limited = answer;
    else expect(answer.status).toBe(410);
  }
  expect(limited?.body.error.code).toBe('RATE_LIMITED');
  expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
});
