/**
 * The Prometheus metrics of both processes, scraped from their own listeners while a user registers,
 * activates, asks for a new mail and is refused by a rate limit, and while a mail goes DEAD and is
 * resent: every counter moves by exactly what was done, the DEAD gauges follow the message, and no
 * label carries a token, an address or an id. The alert rules name only metrics the processes export.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { UNMATCHED_ROUTE } from '../../api/metrics';
import { startApp, type RunningApp } from '../setup/app';
import { eventually } from '../setup/http';
import { waitForMail } from '../setup/mailbox';
import { metricNamesIn, type AlertRules } from '../setup/alert-rules';
import { scrape, total, type Sample } from '../setup/metrics';
import { startPrivateServer, type PrivateServer } from '../setup/private-server';
import { activate, activationLink, signupClient } from '../setup/signup';

let smtp: PrivateServer;
let app: RunningApp;
let client: ReturnType<typeof signupClient>;
const mailApi = () => smtp.env.MAIL_API_URL;
const scrapeApi = () => scrape(app.metricsUrls.api);
const scrapeWorker = () => scrape(app.metricsUrls.worker);

beforeAll(async () => {
  smtp = await startPrivateServer('smtp');
  app = await startApp({
    ...smtp.env,
    ADMIN_TOKEN: 'metrics-admin',
    // One failed attempt makes a message DEAD; a second resend of an address in an hour is refused.
    DELIVERY_MAX_ATTEMPTS: '1',
    ACTIVATION_RESENDS_PER_HOUR: '1',
    DEAD_COUNT_REFRESH_SECONDS: '1',
  });
  client = signupClient(app.baseUrl, 'metrics-admin');
});
afterAll(async () => {
  await app?.stop();
  await smtp?.stop();
});

/** How much each metric moved between two scrapes. */
const moved =
  (before: Sample[], after: Sample[]) =>
  (name: string, labels: Record<string, string> = {}) =>
    total(after, name, labels) - total(before, name, labels);

/** Every label value of a scrape, with the series it belongs to. */
const labelValues = (samples: Sample[]) =>
  samples.flatMap((s) => Object.entries(s.labels).map(([label, value]) => ({ series: s.name, label, value })));

test('the API counts requests by route pattern and status, registrations, activations, resends and refusals', async () => {
  const before = await scrapeApi();

  const alice = client.newUser();
  const aliceId = await client.register(alice);
  const [mail] = await waitForMail(alice.email, 1, { apiUrl: mailApi() });
  const link = activationLink(mail.text!)!;
  const token = link.split('/').pop()!;
  expect((await activate(link)).status).toBe(200);

  const bob = client.newUser();
  await client.register(bob);
  const resend = () => client.api('POST', '/api/users/activation/resend', { json: { email: bob.email } });
  expect((await resend()).status).toBe(202);
  expect((await resend()).status).toBe(429);
  // A path no route serves, with something secret-looking in it.
  expect((await client.api('GET', `/api/users/activate/${token}/more`)).status).toBe(404);

  const after = await eventually(async () => {
    const samples = await scrapeApi();
    // The 404 is the last request: once it is counted, all before it are.
    return (
      moved(before, samples)('reliable_signup_http_request_duration_seconds_count', { status: '404' }) >= 1 && samples
    );
  }, 'the requests counted');
  const delta = moved(before, after);
  expect(delta('reliable_signup_registrations_total')).toBe(2);
  expect(delta('reliable_signup_activations_total')).toBe(1);
  expect(delta('reliable_signup_activation_resends_total')).toBe(1);
  expect(delta('reliable_signup_rate_limited_total', { limiter: 'activation-resend-account' })).toBe(1);
  expect(delta('reliable_signup_rate_limited_total')).toBe(1);
  expect(delta('reliable_signup_operator_resends_total')).toBe(0);

  const requests = (method: string, route: string, status: string) =>
    delta('reliable_signup_http_request_duration_seconds_count', { method, route, status });
  expect(requests('POST', '/api/users/register', '202')).toBe(2);
  expect(requests('POST', '/api/users/activate/:token', '200')).toBe(1);
  expect(requests('POST', '/api/users/activation/resend', '202')).toBe(1);
  expect(requests('POST', '/api/users/activation/resend', '429')).toBe(1);
  expect(requests('GET', UNMATCHED_ROUTE, '404')).toBe(1);

  const values = labelValues(after);
  for (const secret of [token, alice.email, bob.email, aliceId, '@']) {
    expect(values.filter((v) => v.value.includes(secret))).toEqual([]);
  }
  // Routes are patterns: literal segments and `:params`, or the one label of requests no route took.
  const routes = new Set(values.filter((v) => v.label === 'route').map((v) => v.value));
  for (const route of routes) expect(route).toMatch(/^(\(unmatched\)|(\/:?[A-Za-z][\w.-]*)+)$/);

  // Not on the public port.
  expect((await client.api('GET', '/metrics')).status).toBe(404);
  // The mails all went out (activation and success, activation and the new one), for the next test.
  await waitForMail(alice.email, 2, { apiUrl: mailApi() });
  await waitForMail(bob.email, 2, { apiUrl: mailApi() });
});

/** A scrape once every message mailed so far has reached the other consumer group too. */
const settledWorker = () =>
  eventually(async () => {
    const samples = await scrapeWorker();
    const delivered = (group: string) => total(samples, 'reliable_signup_deliveries_total', { consumer_group: group });
    return delivered('CID_OPC') === delivered('CID_EVENTS') && samples;
  }, 'both consumer groups to have the same messages');

test('the worker counts mails per consumer group, failures by kind, request → mail latency, and DEAD messages', async () => {
  const before = await settledWorker();
  const apiBefore = await scrapeApi();
  const carol = client.newUser();
  await client.register(carol);
  await waitForMail(carol.email, 1, { apiUrl: mailApi() });
  const afterMail = await eventually(async () => {
    const samples = await scrapeWorker();
    return (
      moved(before, samples)('reliable_signup_deliveries_total', { consumer_group: 'CID_EVENTS' }) >= 1 &&
      moved(before, samples)('reliable_signup_deliveries_total', { consumer_group: 'CID_OPC' }) >= 1 &&
      // Measured once the delivery is recorded as consumed, a few writes after the mail went out.
      moved(before, samples)('reliable_signup_delivery_latency_ms_count', { consumer_group: 'CID_OPC' }) >= 1 &&
      samples
    );
  }, 'the delivery counted');
  let delta = moved(before, afterMail);
  expect(delta('reliable_signup_deliveries_total', { consumer_group: 'CID_OPC', tag: 'ACTIVE_USER' })).toBe(1);
  expect(delta('reliable_signup_deliveries_total', { consumer_group: 'CID_EVENTS', tag: 'ACTIVE_USER' })).toBe(1);
  expect(delta('reliable_signup_delivery_latency_ms_count', { consumer_group: 'CID_OPC', tag: 'ACTIVE_USER' })).toBe(1);
  expect(delta('reliable_signup_delivery_failures_total')).toBe(0);
  expect(total(afterMail, 'reliable_signup_dead_messages')).toBe(0);

  // SMTP down: the one attempt fails, the message goes DEAD.
  await smtp.stop();
  const dave = client.newUser();
  const daveId = await client.register(dave);
  const dead = await client.messageWith(daveId, 'ACTIVE_USER', 'DEAD');
  const whileDead = await eventually(async () => {
    const samples = await scrapeWorker();
    return total(samples, 'reliable_signup_dead_messages') === 1 && samples;
  }, 'the DEAD gauge to show the message');
  expect(total(whileDead, 'reliable_signup_dead_confirms', { consumer_group: 'CID_OPC' })).toBe(1);
  expect(total(whileDead, 'reliable_signup_dead_confirms', { consumer_group: 'CID_EVENTS' })).toBe(0);
  delta = moved(afterMail, whileDead);
  expect(
    delta('reliable_signup_delivery_failures_total', {
      consumer_group: 'CID_OPC',
      tag: 'ACTIVE_USER',
      kind: 'retryable',
    }),
  ).toBe(1);
  expect(delta('reliable_signup_delivery_failures_total')).toBe(1);
  expect(delta('reliable_signup_deliveries_total', { consumer_group: 'CID_OPC' })).toBe(0);

  // Fixed and resent by the operator: one mail, the gauges back to 0.
  await smtp.start();
  const resent = await client.retryingUnavailable('POST', `/api/messages/${dead.messageKey}/resend`, {
    headers: client.admin,
  });
  expect(resent.status).toBe(202);
  await waitForMail(dave.email, 1, { apiUrl: mailApi() });
  const afterResend = await eventually(async () => {
    const samples = await scrapeWorker();
    return total(samples, 'reliable_signup_dead_messages') === 0 && samples;
  }, 'the DEAD gauge back to 0');
  expect(total(afterResend, 'reliable_signup_dead_confirms', { consumer_group: 'CID_OPC' })).toBe(0);
  delta = moved(whileDead, afterResend);
  expect(delta('reliable_signup_deliveries_total', { consumer_group: 'CID_OPC', tag: 'ACTIVE_USER' })).toBe(1);
  expect(moved(apiBefore, await scrapeApi())('reliable_signup_operator_resends_total', { via: 'message' })).toBe(1);

  for (const secret of [dave.email, carol.email, daveId, dead.messageKey, '@']) {
    expect(labelValues(afterResend).filter((v) => v.value.includes(secret))).toEqual([]);
  }
});

test('the alert rules name only metrics the API and the worker export', async () => {
  const rules = parse(readFileSync(join(__dirname, '../../deploy/prometheus/alerts.yml'), 'utf8')) as AlertRules;
  const exported = new Set([...(await scrapeApi()), ...(await scrapeWorker())].map((s) => s.name));
  const named = metricNamesIn(rules);
  expect(named.length).toBeGreaterThan(0);
  expect(named.filter((name) => !exported.has(name))).toEqual([]);
});
