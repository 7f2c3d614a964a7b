/**
 * `npm start -- --traces`' viewer: Zipkin's server from the jar stack/install.sh fetches from Maven
 * Central, fed as `npm start` feeds it, by an OTLP receiver the traced API and worker export to. A
 * registration comes out of Zipkin's API as one tree of spans from both services.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installStack } from '../../stack/install';
import { freePort } from '../../stack/ports';
import { waitUntilReady, type ManagedProcess } from '../../stack/process';
import { TraceCollector } from '../../stack/trace-collector';
import { zipkinForwarder, zipkinProcess, zipkinReady, type ZipkinSpan } from '../../stack/zipkin';
import { startApp, type RunningApp } from '../setup/app';
import { eventually } from '../setup/http';
import { waitForMail } from '../setup/mailbox';
import { activate, activationLink, signupClient } from '../setup/signup';

let dir: string;
let zipkin: ManagedProcess;
let zipkinUrl: string;
let collector: TraceCollector;
let app: RunningApp;

beforeAll(async () => {
  installStack({ RELIABLE_SIGNUP_ZIPKIN: '1' });
  dir = mkdtempSync(join(tmpdir(), 'zipkin-'));
  const port = await freePort();
  zipkinUrl = `http://127.0.0.1:${port}`;
  zipkin = zipkinProcess(port, join(dir, 'zipkin.log'));
  zipkin.start();
  await waitUntilReady(zipkin, () => zipkinReady(zipkinUrl), 150_000);
  collector = await TraceCollector.start({ keep: false, onSpans: zipkinForwarder(zipkinUrl, () => undefined) });
  app = await startApp({
    ADMIN_TOKEN: 'zipkin-admin',
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });
}, 300_000);

afterAll(async () => {
  await app?.stop();
  await collector?.stop();
  await zipkin?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("an activated registration's trace is in Zipkin: one tree from the request down to the SMTP conversation", async () => {
  const client = signupClient(app.baseUrl, 'zipkin-admin');
  const email = 'zipkin.viewer@example.test';
  const registered = await client.api('POST', '/api/users/register', {
    json: { loginName: 'zipkin_viewer', email, password: 'zipkin-viewer-pa55word' },
  });
  expect(registered.status).toBe(202);
  const { traceId } = (await client.lookUp(email)) as unknown as { traceId: string };
  // The workflow's run span, the parent of its deliveries, is exported when the workflow ends.
  const [mail] = await waitForMail(email);
  expect((await activate(activationLink(mail.text!)!)).status).toBe(200);

  const trace = await eventually(async () => {
    const res = await fetch(`${zipkinUrl}/api/v2/trace/${traceId}`);
    const spans = res.ok ? ((await res.json()) as ZipkinSpan[]) : [];
    const complete =
      spans.some((s) => s.name === 'runworkflow:registration') && spans.some((s) => s.name === 'smtp send');
    return complete && spans;
  }, 'the registration trace in Zipkin, with its workflow run and its SMTP span');
  const byId = new Map(trace.map((s) => [s.id, s]));
  const [request] = trace.filter((s) => !s.parentId);
  expect([request.name, request.kind, request.localEndpoint.serviceName]).toEqual([
    'post /api/users/register',
    'SERVER',
    'reliable-signup-api',
  ]);
  const activity = trace.find((s) => s.name === 'runactivity:registeruser')!;
  expect(activity.localEndpoint.serviceName).toBe('reliable-signup-worker');
  // Every span's parent is in the trace: Zipkin shows it as one tree.
  expect(trace.filter((s) => s.parentId && !byId.has(s.parentId))).toEqual([]);
});
