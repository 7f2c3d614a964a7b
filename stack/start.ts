/**
 * `npm start`: installs what is missing, starts the servers the environment does not give, then one
 * worker and the API, prints the URLs, restarts any of them that dies (with backoff, giving up after
 * repeated quick crashes), and on Ctrl-C (or SIGTERM) stops everything it started.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config';
import { DEVELOPMENT_MAIL_EVENTS_SECRET } from '../config/mail-events';
import { installStack } from './install';
import { acquireLock } from './lock';
import { repoRoot } from './paths';
import { appProcess, buildWorkflowBundle } from './apps';
import { uiCodecEndpoint } from './components';
import { keepRunning } from './keep-running';
import { startMailSimulator } from './mail-simulator';
import { assertPortFree } from './ports';
import { waitUntilReady, type ManagedProcess } from './process';
import { portsFrom, startStack, type Stack } from './supervisor';
import { TraceCollector } from './trace-collector';
import { zipkinForwarder, zipkinProcess, zipkinReady } from './zipkin';

const dataDir = process.env.RELIABLE_SIGNUP_DATA ?? join(repoRoot, '.data');
/** Where the worker and the API serve their Prometheus metrics, unless WORKER_/API_METRICS_ADDRESS say otherwise. */
const WORKER_METRICS_PORT = 9464;
const API_METRICS_PORT = 9465;
/** The generic webhook's secret, for the mail simulator (stack/mail-simulator.ts): the development one unless given. */
const mailEventsSecret = process.env.MAIL_EVENTS_GENERIC_SECRET ?? DEVELOPMENT_MAIL_EVENTS_SECRET;
/** How long after its acceptance the simulator reports a mail to bounce.test, complaint.test or delay.test. */
const simulatorDelaySeconds = Number(process.env.MAIL_SIMULATOR_DELAY_SECONDS ?? 3);
/**
 * `npm start -- --traces`: the worker's and the API's spans, received here, appended to a file as OTLP
 * JSON lines and shown in Zipkin (stack/zipkin.ts; Java needed, else the file alone), unless
 * OTEL_EXPORTER_OTLP_ENDPOINT names a collector of one's own.
 */
const showTraces = process.argv.includes('--traces') && !process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
const ZIPKIN_PORT = Number(process.env.ZIPKIN_PORT ?? 9411);
const hasJava = () => spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const lock = acquireLock(join(dataDir, 'stack.lock'));
  const config = loadConfig({
    WORKER_METRICS_ADDRESS: `127.0.0.1:${WORKER_METRICS_PORT}`,
    API_METRICS_ADDRESS: `127.0.0.1:${API_METRICS_PORT}`,
    ...process.env,
  });
  let stack: Stack | undefined;
  const apps: ManagedProcess[] = [];
  let viewer: ManagedProcess | undefined;
  const supervised: { stop(): void }[] = [];
  let stopping = false;
  const starting = new AbortController();
  let stackStarting: Promise<Stack> | undefined;

  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    // Stopped while the servers start: the start is abandoned, and stops the ones it has started.
    starting.abort(new Error('Stopped while starting.'));
    await stackStarting?.catch(() => undefined);
    for (const s of supervised) s.stop();
    console.log('\nStopping reliable-signup…');
    // The API first, so no new work arrives; then the worker finishes what it has; then the servers.
    for (const app of [...apps].reverse()) await app.stop(30_000);
    await viewer?.stop();
    await stack?.stop();
    lock.release();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    await assertPortFree(config.port, 'api');
    for (const [address, owner] of [
      [config.workerMetricsAddress!, 'worker metrics'],
      [config.apiMetricsAddress!, 'API metrics'],
    ])
      await assertPortFree(Number(address.split(':').pop()), owner);
    const zipkin = showTraces && hasJava();
    if (showTraces && !zipkin) console.log('No Java on PATH: traces go to the trace file only (docs/tracing.md).');
    if (zipkin) await assertPortFree(ZIPKIN_PORT, 'zipkin');
    installStack(zipkin ? { RELIABLE_SIGNUP_ZIPKIN: '1' } : {});
    const zipkinUrl = `http://127.0.0.1:${ZIPKIN_PORT}`;
    if (zipkin) {
      mkdirSync(join(dataDir, 'logs'), { recursive: true });
      viewer = zipkinProcess(ZIPKIN_PORT, join(dataDir, 'logs', 'zipkin.log'));
      viewer.start();
    }
    stackStarting = startStack({
      dataDir,
      ports: portsFrom(process.env),
      uiCodecEndpoint: uiCodecEndpoint(config.publicBaseUrl),
      signal: starting.signal,
    });
    stack = await stackStarting;
    lock.update([...stack.processes.values(), ...(viewer ? [viewer] : [])].map((p) => p.pid!));

    const bundle = join(dataDir, 'workflow-bundle.js');
    buildWorkflowBundle(bundle);
    const tracesFile = join(dataDir, 'traces.jsonl');
    const traces = showTraces
      ? await TraceCollector.start({
          file: tracesFile,
          keep: false,
          onSpans: viewer ? zipkinForwarder(zipkinUrl, (line) => console.error(`[zipkin] ${line}`)) : undefined,
        })
      : undefined;
    const env = {
      ...process.env,
      ...(traces ? { OTEL_EXPORTER_OTLP_ENDPOINT: traces.url } : {}),
      ...stack.env,
      WORKFLOW_BUNDLE_PATH: bundle,
      WORKER_METRICS_ADDRESS: config.workerMetricsAddress,
      API_METRICS_ADDRESS: config.apiMetricsAddress,
      // The console links each message's workflow in the Web UI this stack runs.
      TEMPORAL_UI_URL: process.env.TEMPORAL_UI_URL ?? stack.urls['Temporal Web UI'],
      MAIL_EVENTS_GENERIC_SECRET: mailEventsSecret,
    };
    for (const name of ['worker', 'api'] as const) {
      const app = appProcess(name, env);
      app.start();
      apps.push(app);
    }
    const processes = [...stack.processes.values(), ...apps];
    // The viewer is not kept running: should it die, the product goes on, and the trace file with it.
    const recordPids = () => lock.update([...processes, ...(viewer ? [viewer] : [])].map((p) => p.pid!));
    for (const proc of processes) {
      supervised.push(
        keepRunning(proc, {
          log: (line) => console.error(`[supervisor] ${line}`),
          onRestart: recordPids,
          onGiveUp: (reason) => {
            console.error(`[supervisor] ${reason} Stopping everything.`);
            void shutdown(1);
          },
        }),
      );
    }
    recordPids();
    await waitUntilReady(apps[1], () => fetch(`http://127.0.0.1:${config.port}/health`), 60_000);
    if (viewer) await waitUntilReady(viewer, () => zipkinReady(zipkinUrl), 90_000);
    // With the stack's own maildev: mails to bounce.test, complaint.test and delay.test get their events.
    if (stack.env.MAIL_API_URL) {
      supervised.push(
        startMailSimulator({
          mailApiUrl: stack.env.MAIL_API_URL,
          webhookUrl: `http://127.0.0.1:${config.port}/webhooks/mail-events/generic`,
          secret: mailEventsSecret,
          delayMs: simulatorDelaySeconds * 1000,
          log: (line) => console.log(`[mail simulator] ${line}`),
        }),
      );
    }

    const urls: Record<string, string> = {
      API: config.publicBaseUrl,
      Health: `${config.publicBaseUrl}/health`,
      'Operator console': `${config.publicBaseUrl}/admin`,
      ...stack.urls,
      'Worker metrics': `http://${config.workerMetricsAddress}/metrics`,
      'API metrics': `http://${config.apiMetricsAddress}/metrics`,
      ...(viewer ? { 'Traces (Zipkin)': `http://localhost:${ZIPKIN_PORT}/zipkin/` } : {}),
    };
    console.log('\nreliable-signup is running:');
    for (const [name, url] of Object.entries(urls)) console.log(`  ${name.padEnd(24)} ${url}`);
    console.log(`  ${'Server logs'.padEnd(24)} ${join(dataDir, 'logs')}`);
    if (stack.env.MAIL_API_URL)
      console.log(
        `  ${'Mail simulator'.padEnd(24)} mail to …@bounce.test bounces, …@complaint.test complains, …@delay.test is delayed`,
      );
    if (traces) {
      console.log(`  ${'Traces (OTLP JSON lines)'.padEnd(24)} ${tracesFile}`);
      console.log(`  ${''.padEnd(24)} npm run traces:waterfall -- ${tracesFile} waterfall.svg`);
    }
    console.log('Press Ctrl-C to stop.\n');
  } catch (err) {
    console.error(`\n${(err as Error).message}`);
    await shutdown(1);
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
