/**
 * With tracing on (OTEL_EXPORTER_OTLP_ENDPOINT pointing at an in-memory receiver in this test), one
 * registration is one connected trace across the API, the workflow, its activities, MongoDB, Redis and
 * the SMTP conversation; its activation is a trace of its own that links to it; and no span, event,
 * link or resource anywhere holds the password, the token, the code or the e-mail address.
 */
import { join } from 'node:path';
import { TraceCollector, type CollectedSpan } from '../../stack/trace-collector';
import { startApp, type RunningApp } from '../setup/app';
import { eventually } from '../setup/http';
import { waitForMail } from '../setup/mailbox';
import { activate, activationLink, signupClient } from '../setup/signup';

let collector: TraceCollector;
let app: RunningApp;
let client: ReturnType<typeof signupClient>;
const user = {
  loginName: 'traced_user',
  email: 'Traced.Person@Example.test',
  password: 'tr4ced-pa55word-never-in-a-span',
};
let token: string;
let code: string;
let registrationTrace: CollectedSpan[];
let activationSpan: CollectedSpan;

const isRoot = (s: CollectedSpan) => !s.parentSpanId;
const named = (spans: CollectedSpan[], name: string | RegExp) =>
  spans.filter((s) => (typeof name === 'string' ? s.name === name : name.test(s.name)));

beforeAll(async () => {
  // TRACES_FILE keeps the spans (docs/tracing.md draws its waterfall from them).
  collector = await TraceCollector.start({
    file: process.env.TRACES_FILE ?? join(process.env.TEST_DATA_DIR!, 'traces.jsonl'),
  });
  app = await startApp({
    ADMIN_TOKEN: 'tracing-admin',
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });
  client = signupClient(app.baseUrl, 'tracing-admin');

  const registered = await client.api('POST', '/api/users/register', { json: user });
  expect(registered.status).toBe(202);
  const [mail] = await waitForMail(user.email);
  const link = activationLink(mail.text!)!;
  token = link.split('/').pop()!;
  code = /^([0-9]{6})$/m.exec(mail.text!)![1];
  expect((await activate(link)).status).toBe(200);
  const { userId } = await client.lookUp(user.email);
  await client.messageWith(userId, 'ACTIVE_USER_SUCCESS', 'FINISHED');

  // The registration's trace is complete once its mail's SMTP span and its workflow's run have arrived.
  registrationTrace = await eventually(() => {
    const register = collector.spans.find((s) => s.kind === 2 && s.attributes['http.route'] === '/api/users/register');
    const trace = register && collector.trace(register.traceId);
    const complete =
      trace && named(trace, 'smtp send').length > 0 && named(trace, 'RunWorkflow:registration').length > 0;
    return Promise.resolve(complete && trace);
  }, 'the registration trace with its SMTP span and its workflow run, which ends after the activation');
  // The worker exports its spans on its own schedule: the activation's trace is complete once one of
  // the worker's activity spans has arrived in it too.
  activationSpan = await eventually(() => {
    const span = collector.spans.find((s) => s.name === 'activation');
    const complete = span && named(collector.trace(span.traceId), /^RunActivity:/).length > 0;
    return Promise.resolve(complete && span);
  }, 'the activation span, and an activity of the worker in its trace');
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await collector?.stop();
});

test('a registration is one connected trace: every span has its parent in it, the request is its root', () => {
  const ids = new Set(registrationTrace.map((s) => s.spanId));
  const roots = registrationTrace.filter(isRoot);
  expect(
    roots.map((s) => [s.service, s.kind, s.attributes['http.method'] ?? s.attributes['http.request.method']]),
  ).toEqual([['reliable-signup-api', 2, 'POST']]);
  expect(registrationTrace.filter((s) => !isRoot(s) && !ids.has(s.parentSpanId!))).toEqual([]);
});

test('it spans the API, the hash, the update-with-start, the workflow, its activities, MongoDB, Redis and SMTP', () => {
  const services = new Set(registrationTrace.map((s) => s.service));
  expect(services).toEqual(new Set(['reliable-signup-api', 'reliable-signup-worker']));
  expect(named(registrationTrace, 'password hash')).toHaveLength(1);
  expect(named(registrationTrace, 'UpdateWithStartWorkflow:registered')).toHaveLength(1);
  // The workflow: its run and the update that answered the request, in the worker.
  const [run] = named(registrationTrace, 'RunWorkflow:registration');
  const [update] = named(registrationTrace, 'HandleUpdate:registered');
  expect([run?.service, update?.service]).toEqual(['reliable-signup-worker', 'reliable-signup-worker']);
  // Each local activity it schedules (its first steps) a span of the workflow, with the activity's run under it.
  const scheduled = named(registrationTrace, /^StartActivity:/);
  expect(scheduled.map((s) => s.name)).toEqual(expect.arrayContaining(['StartActivity:deliver']));
  const runs = named(registrationTrace, /^RunActivity:/);
  expect(runs.length).toBeGreaterThanOrEqual(2);
  const parentOf = (s: CollectedSpan) => registrationTrace.find((p) => p.spanId === s.parentSpanId);
  expect(runs.filter((r) => !parentOf(r)?.name.startsWith('StartActivity:'))).toEqual([]);
  expect(named(registrationTrace, 'RunActivity:deliver').length).toBeGreaterThanOrEqual(1);
  expect(
    registrationTrace.filter(
      (s) => s.attributes['db.system'] === 'mongodb' || s.attributes['db.system.name'] === 'mongodb',
    ).length,
  ).toBeGreaterThan(0);
  expect(
    registrationTrace.filter((s) => s.attributes['db.system'] === 'redis' || s.attributes['db.system.name'] === 'redis')
      .length,
  ).toBeGreaterThan(0);
  const [smtp] = named(registrationTrace, 'smtp send');
  expect(smtp.service).toBe('reliable-signup-worker');
  expect(smtp.attributes['mail.tag']).toBe('ACTIVE_USER');
});

test('the activation is a trace of its own, linked to the registration', () => {
  expect(activationSpan.traceId).not.toBe(registrationTrace[0].traceId);
  expect(activationSpan.links.map((l) => l.traceId)).toContain(registrationTrace[0].traceId);
  const activationTrace = collector.trace(activationSpan.traceId);
  expect(named(activationTrace, 'HandleUpdate:activate')).toHaveLength(1);
  expect(named(activationTrace, 'RunActivity:activateUser')).toHaveLength(1);
});

test('the registration carries its trace id, as its TraceId search attribute, for the Web UI and the console', async () => {
  const registration = (await client.lookUp(user.email)) as { traceId?: string };
  expect(registration.traceId).toBe(registrationTrace[0].traceId);
});

test('no span holds the password, the token, the code or the e-mail address', () => {
  const secrets = [user.password, token, user.email.toLowerCase(), encodeURIComponent(user.email.toLowerCase())];
  const holdsCode = (text: string) => new RegExp(`(?<![0-9A-Za-z])${code}(?![0-9A-Za-z])`).test(text);
  const texts = collector.spans.flatMap((s) => [
    s.name,
    JSON.stringify(s.attributes),
    JSON.stringify(s.events),
    JSON.stringify(s.links),
    JSON.stringify(s.resource),
  ]);
  expect(collector.spans.length).toBeGreaterThan(20);
  const leaks = texts.filter(
    (t) =>
      secrets.some((secret) => t.toLowerCase().includes(secret.toLowerCase())) || holdsCode(t) || /\$argon2/.test(t),
  );
  expect(leaks).toEqual([]);
});
