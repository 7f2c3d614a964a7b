/**
 * What a client on the open network can do to the API, on the real stack with the settings of a
 * deployment reached directly (TRUST_PROXY unset): it cannot pick a fresh rate-limit budget with
 * X-Forwarded-For, and GET /health tells it up or down only, and costs the dependencies one check per
 * cache period however often it is called. The SMTP server is the test's own, counting connections.
 */
import { SMTPServer } from 'smtp-server';
import { freePort } from '../../stack/ports';
import { startApp, type RunningApp } from '../setup/app';
import { eventually, request } from '../setup/http';

const ADMIN_TOKEN = 'edge-admin';
const operator = { authorization: `Bearer ${ADMIN_TOKEN}` };
let smtp: SMTPServer;
let smtpConnections = 0;
let smtpOpen = false;
const closeSmtp = () =>
  new Promise<void>((resolve) => {
    if (!smtpOpen) return resolve();
    smtpOpen = false;
    smtp.close(() => resolve());
  });
let app: RunningApp;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      smtpConnections++;
      callback();
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
  smtpOpen = true;
  app = await startApp({
    SMTP_URL: `smtp://127.0.0.1:${port}`,
    ADMIN_TOKEN,
    RATE_LIMIT_REGISTER_PER_MINUTE: '3',
    HEALTH_CACHE_SECONDS: '10',
  });
});
afterAll(async () => {
  await app?.stop();
  await closeSmtp();
});

test('a client that names other addresses in X-Forwarded-For still spends its own budget', async () => {
  const register = (forwardedFor: string) =>
    request(app.baseUrl, 'POST', '/api/users/register', { json: {}, headers: { 'x-forwarded-for': forwardedFor } });
  // The limit counts a request before its body is read: each refused body spends one of the three.
  for (const spoofed of ['203.0.113.1', '203.0.113.2', '2001:db8::1'])
    expect((await register(spoofed)).status).toBe(400);
  const fourth = await register('203.0.113.4');
  expect(fourth.status).toBe(429);
  expect(fourth.body.error.code).toBe('RATE_LIMITED');
});

test('anyone gets up or down alone; an operator gets each dependency', async () => {
  const open = await request(app.baseUrl, 'GET', '/health');
  expect(open.status).toBe(200);
  expect(open.body).toEqual({ status: 'up' });
  const wrongToken = await request(app.baseUrl, 'GET', '/health', { headers: { authorization: 'Bearer nope' } });
  expect(wrongToken.body).toEqual({ status: 'up' });
  const details = await request(app.baseUrl, 'GET', '/health', { headers: operator });
  expect(details.status).toBe(200);
  expect(details.body).toEqual({
    status: 'up',
    dependencies: {
      temporal: { status: 'up' },
      mongodb: { status: 'up' },
      redis: { status: 'up' },
      smtp: { status: 'up' },
    },
  });
});

test('forty calls to /health, twenty at once, open at most one SMTP connection', async () => {
  const before = smtpConnections;
  const health = () => request(app.baseUrl, 'GET', '/health');
  const together = await Promise.all(Array.from({ length: 20 }, health));
  const oneByOne = [];
  for (let i = 0; i < 20; i++) oneByOne.push(await health());
  expect([...together, ...oneByOne].map((r) => r.status)).toEqual(Array(40).fill(200));
  // None, when the last check is still fresh; one, when its 10 s ran out during the calls.
  expect(smtpConnections - before).toBeLessThanOrEqual(1);
});

// Last: it stops the SMTP server.
test('a dependency that is down makes /health 503, and its error reaches operators only', async () => {
  await closeSmtp();
  const down = await eventually(async () => {
    const res = await request(app.baseUrl, 'GET', '/health');
    return res.status === 503 && res;
  }, 'GET /health to answer 503');
  expect(down.body).toEqual({ status: 'down' });
  const details = await request(app.baseUrl, 'GET', '/health', { headers: operator });
  expect(details.status).toBe(503);
  expect(details.body.dependencies.smtp).toEqual({ status: 'down', error: expect.stringMatching(/\S/) });
  expect(details.body.dependencies.redis).toEqual({ status: 'up' });
});
