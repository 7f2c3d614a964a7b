/**
 * Resending the activation mail, and the Redis-backed rate limits, on the real stack, behind a proxy:
 * the test is the one proxy in front of the API (TRUST_PROXY=1), naming each client in X-Forwarded-For.
 */
import { startApp, type RunningApp } from '../setup/app';
import { waitForMail } from '../setup/mailbox';
import { activate, activationLink, signupClient } from '../setup/signup';

let app: RunningApp;
let client: ReturnType<typeof signupClient>;
let ip = 0;
/** Each test speaks from an address of its own, as the proxy forwards it. */
const fromNewIp = () => ({ 'x-forwarded-for': `198.51.100.${++ip}` });
let network = 0;
/** An IPv6 /64 of its own for each test: `at(n)` is its n-th address. */
const newIpv6Network = () => {
  const prefix = `2001:db8:${(++network).toString(16)}:1`;
  return (n: number) => ({ 'x-forwarded-for': `${prefix}::${n.toString(16)}` });
};

beforeAll(async () => {
  app = await startApp({
    ADMIN_TOKEN: 'resend-admin',
    RATE_LIMIT_REGISTER_PER_MINUTE: '3',
    RATE_LIMIT_RESEND_PER_MINUTE: '50',
    ACTIVATION_RESENDS_PER_HOUR: '3',
    ACTIVATION_RESENDS_PER_ADDRESS_PER_HOUR: '5',
    TRUST_PROXY: '1',
  });
  client = signupClient(app.baseUrl, 'resend-admin');
});
afterAll(async () => {
  await app?.stop();
});

const resend = (email: string, headers = fromNewIp()) =>
  client.api('POST', '/api/users/activation/resend', { json: { email }, headers });

test('a resent activation mail carries a new token; the old one stops working', async () => {
  const user = client.newUser();
  const userId = await client.register(user, fromNewIp());
  const [first] = await waitForMail(user.email);
  await client.messageWith(userId, 'ACTIVE_USER', 'FINISHED');

  const accepted = await resend(user.email);
  expect(accepted.status).toBe(202);
  const mails = await waitForMail(user.email, 2);
  const links = mails.map((m) => activationLink(m.text!)!);
  expect(new Set(links).size).toBe(2);
  const newLink = links.find((l) => l !== activationLink(first.text!))!;

  const old = await activate(activationLink(first.text!)!);
  expect(old.status).toBe(410);
  expect(old.body.error.code).toBe('TOKEN_INVALID');
  const activated = await activate(newLink);
  expect(activated.status).toBe(200);
  expect(activated.body).toEqual({ userId, status: 'ENABLED' });
  await waitForMail(user.email, 3);
});

test('the fourth resend of an address from one client within an hour is refused with 429 and Retry-After', async () => {
  const user = client.newUser();
  await client.register(user, fromNewIp());
  await waitForMail(user.email);
  const sameClient = fromNewIp();
  for (let i = 0; i < 3; i++) expect((await resend(user.email, sameClient)).status).toBe(202);
  const fourth = await resend(user.email, sameClient);
  expect(fourth.status).toBe(429);
  expect(fourth.body.error.code).toBe('RATE_LIMITED');
  expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(0);
  // Three resends → four activation mails in all, no more.
  await waitForMail(user.email, 4);
});

test("a stranger who spends their resends of an address leaves its owner's own; all clients together stop at the cap", async () => {
  const user = client.newUser();
  await client.register(user, fromNewIp());
  await waitForMail(user.email);
  const stranger = fromNewIp();
  for (let i = 0; i < 3; i++) expect((await resend(user.email, stranger)).status).toBe(202);
  expect((await resend(user.email, stranger)).status).toBe(429);

  // The owner, from an address of their own, still has their budget.
  expect((await resend(user.email, fromNewIp())).status).toBe(202);
  // The fifth resend of the address is the last one any client gets this hour (the cap, 5).
  expect((await resend(user.email, fromNewIp())).status).toBe(202);
  const overCap = await resend(user.email, fromNewIp());
  expect(overCap.status).toBe(429);
  expect(overCap.body.error.code).toBe('RATE_LIMITED');
  // Each accepted resend is a mail: the registration's and five more.
  await waitForMail(user.email, 6);
});

test('an IPv6 client is one client across its /64: its addresses share a budget, the next /64 has its own', async () => {
  const at = newIpv6Network();
  const register = (headers: Record<string, string>) =>
    client.api('POST', '/api/users/register', { json: {}, headers });
  // The limit counts a request before its body is read: each refused body spends one of the three.
  const statuses = [
    (await register(at(1))).status,
    (await register(at(2))).status,
    (await register(at(0xffff))).status,
  ];
  expect(statuses).toEqual([400, 400, 400]);
  expect((await register(at(3))).status).toBe(429);
  expect((await register({ 'x-forwarded-for': '::ffff:198.51.100.250' })).status).toBe(400);
  expect((await register(newIpv6Network()(1))).status).toBe(400);
});

test('an unknown address gets the very same answer as a known one', async () => {
  const user = client.newUser();
  await client.register(user, fromNewIp());
  const known = await resend(user.email);
  const unknown = await resend(client.newUser().email);
  expect(unknown.status).toBe(known.status);
  expect(unknown.body).toEqual(known.body);
});

test('registrations beyond the per-IP limit get 429 with Retry-After; another IP is unaffected', async () => {
  const headers = fromNewIp();
  const statuses: number[] = [];
  let limited: Awaited<ReturnType<typeof client.api>> | undefined;
  for (let i = 0; i < 4; i++) {
    const res = await client.api('POST', '/api/users/register', { json: client.newUser(), headers });
    statuses.push(res.status);
    if (res.status === 429) limited = res;
  }
  expect(statuses).toEqual([202, 202, 202, 429]);
  expect(limited?.body.error.code).toBe('RATE_LIMITED');
  expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
  const other = await client.api('POST', '/api/users/register', { json: client.newUser(), headers: fromNewIp() });
  expect(other.status).toBe(202);
});

test('a malformed resend request is a 400, not a 202', async () => {
  const res = await client.api('POST', '/api/users/activation/resend', {
    json: { email: 'nope' },
    headers: fromNewIp(),
  });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('VALIDATION_FAILED');
});

test('a link that does not work offers a new one: the form sends it, the new link activates', async () => {
  const user = client.newUser();
  const userId = await client.register(user, fromNewIp());
  const [first] = await waitForMail(user.email);
  const html = { accept: 'text/html', ...fromNewIp() };

  const unknown = await fetch(`${app.baseUrl}/api/users/activate/no-such-token-${userId}`, { headers: html });
  expect(unknown.status).toBe(410);
  const page = await unknown.text();
  expect(page).toContain('<form method="post" action="/activation/resend">');
  expect(page).toContain('<label for="email">');

  const form = (email: string) =>
    fetch(`${app.baseUrl}/activation/resend`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...fromNewIp() },
      body: new URLSearchParams({ email }).toString(),
    });
  const sent = await form(user.email);
  expect(sent.status).toBe(202);
  const sentPage = await sent.text();
  // The same answer for an address nobody registered: the form tells no one who has an account.
  const stranger = await form(client.newUser().email);
  expect(stranger.status).toBe(202);
  expect(await stranger.text()).toBe(sentPage);
  const invalid = await form('not-an-address');
  expect(invalid.status).toBe(400);

  const mails = await waitForMail(user.email, 2);
  const newLink = mails.map((m) => activationLink(m.text!)!).find((l) => l !== activationLink(first.text!))!;
  const activated = await activate(newLink);
  expect(activated.body).toEqual({ userId, status: 'ENABLED' });
});
