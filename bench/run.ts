/**
 * `npm run bench`: end-to-end throughput and latency on the real stack, side by side with the limit
 * (password hashes per second) and the naive handler. See docs/performance.md.
 *
 *   npm run bench -- --count 200 --concurrency 4,8 --activations 50 --workers 1,2 --hash-memory 19456 --hash-passes 2
 *
 * Every scenario runs at each concurrency; this project also with each number of worker processes.
 */
import { Client, Connection } from '@temporalio/client';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { registrationWorkflowId } from '../api/services/workflow-ids';
import { loadConfig } from '../config';
import { dataConverter } from '../infra/temporal';
import { appProcess, buildWorkflowBundle, withDatabase } from '../stack/apps';
import { repoRoot } from '../stack/paths';
import { freePort } from '../stack/ports';
import { ManagedProcess, sleep, waitUntilReady } from '../stack/process';
import { activationTaskIndex, billableActions } from './billable-actions';
import { startBenchStack, type BenchStack } from './bench-stack';
import { latencyChart } from './chart';
import { hashLimit } from './hash-limit';
import { runConcurrently, timed } from './load';
import type { SmtpSink } from './smtp-sink';
import { distribution, type Distribution } from './stats';
import { breakdownOf, breakdownTable, perThousandTable, registrationSteps } from './breakdown';
import { TraceCollector } from '../stack/trace-collector';

const { values: opts } = parseArgs({
  options: {
    count: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '4,8' },
    activations: { type: 'string', default: '50' },
    workers: { type: 'string', default: '1,2' },
    'hash-memory': { type: 'string', default: '19456' },
    'hash-passes': { type: 'string', default: '2' },
    /** Writes a V8 CPU profile of each worker and API process into this directory (see bench/profile-summary.ts). */
    'cpu-prof': { type: 'string' },
    /** `off` runs this project untraced: the breakdown's spans cost some CPU of their own. */
    breakdown: { type: 'string', default: 'on' },
  },
});
const count = Number(opts.count);
const concurrencies = opts.concurrency.split(',').map(Number);
const activations = Math.min(Number(opts.activations), count);
const workerCounts = opts.workers.split(',').map(Number);
const hashCost = { memoryKib: Number(opts['hash-memory']), passes: Number(opts['hash-passes']) };

interface ScenarioResult {
  name: string;
  concurrency: number;
  registrationsPerSecond: number;
  requestMs: Distribution;
  mailMs: Distribution;
  activationRequestMs?: Distribution;
  activationMailMs?: Distribution;
  /** Through the activation mail (registration) and through the success mail (registration + activation). */
  historyEvents?: { registration: number; flow: number };
  activities?: { registration: number; flow: number };
  /** Temporal Cloud's billable actions (bench/billable-actions.ts), over the same stretches. */
  billableActions?: { registration: number; flow: number };
  peakRssMb: Record<string, number>;
  /** Over a long run (`--count` over 1000): each process's resident memory after each thousand registrations. */
  rssMbPerThousand?: ({ registrations: number } & Record<string, number>)[];
  /** CPU milliseconds per registration, by process, over the registration phase. */
  cpuMsPerRegistration?: Record<string, number>;
  /** Where the time went (bench/breakdown.ts), over the registrations whose traces arrived complete. */
  breakdown?: Breakdown;
  samples: { requestMs: number[]; mailMs: number[] };
}

/** CPU seconds (user + system) a process has used so far. */
const cpuSeconds = (pid: number | undefined) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

/** A process's peak (`VmHWM`) or current (`VmRSS`) resident memory, in MB. */
const rssMb = (pid: number | undefined, which: 'VmHWM' | 'VmRSS') => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(new RegExp(`${which}:\\s+(\\d+)`).exec(status)![1]) / 1024);
};
const peakRssMb = (pid: number | undefined) => rssMb(pid, 'VmHWM');

/** Until the process answers at `url` (any status below 500). */
function waitForHttp(url: string, proc: ManagedProcess): Promise<void> {
  return waitUntilReady(
    proc,
    async () => {
      const res = await fetch(url);
      if (res.status >= 500) throw new Error(`${url} answered ${res.status}`);
    },
    60_000,
  );
}

let seq = 0;
const newUser = (run: string) => {
  const id = `${run}${++seq}`;
  return { loginName: `bench_${id}`, email: `bench.${id}@example.test`, password: 'correct horse battery staple' };
};

async function drive(
  name: string,
  url: string,
  sink: SmtpSink,
  run: string,
  concurrency: number,
  /** Told the number of registrations answered so far, after each answer. */
  onAnswered: (answered: number) => void = () => undefined,
): Promise<{
  users: ReturnType<typeof newUser>[];
  requestMs: number[];
  mailMs: number[];
  perSecond: number;
}> {
  const users = Array.from({ length: count }, () => newUser(run));
  const started = performance.now();
  let answered = 0;
  const results = await runConcurrently(count, concurrency, async (i) => {
    const result = await timed(async () => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(users[i]),
      });
      // 201 from the naive handler, 202 from this project's API.
      if (!res.ok) throw new Error(`${name}: register answered ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    });
    onAnswered(++answered);
    return result;
  });
  await sink.waitFor(
    users.map((u) => u.email),
    1,
    120_000,
  );
  const mailMs = users.map((u, i) => sink.arrivalsFor(u.email)[0] - results[i].startedAt);
  const lastMail = Math.max(...users.map((u) => sink.arrivalsFor(u.email)[0]));
  return {
    users,
    requestMs: results.map((r) => r.ms),
    mailMs,
    perSecond: count / ((lastMail - started) / 1000),
  };
}

async function naiveScenario(
  { sink, track }: BenchStack,
  env: NodeJS.ProcessEnv,
  logDir: string,
  concurrency: number,
): Promise<ScenarioResult> {
  const port = await freePort();
  const server = new ManagedProcess({
    name: 'naive',
    command: process.execPath,
    args: ['--import', 'tsx', join(repoRoot, 'bench/naive-server.ts')],
    env: { ...env, PORT: String(port), MONGODB_URI: withDatabase(env.MONGODB_URI!, 'bench_naive') },
    logFile: join(logDir, 'naive.log'),
  });
  track(server).start();
  try {
    await waitForHttp(`http://127.0.0.1:${port}/`, server);
    const r = await drive('naive', `http://127.0.0.1:${port}/register`, sink, `n${concurrency}_`, concurrency);
    return {
      name: 'naive handler',
      concurrency,
      registrationsPerSecond: r.perSecond,
      requestMs: distribution(r.requestMs),
      mailMs: distribution(r.mailMs),
      peakRssMb: { server: peakRssMb(server.pid) },
      samples: { requestMs: r.requestMs, mailMs: r.mailMs },
    };
  } finally {
    await server.stop();
  }
}

async function projectScenario(
  { sink, track }: BenchStack,
  env: NodeJS.ProcessEnv,
  workers: number,
  concurrency: number,
  logDir: string,
  servers: Record<string, number | undefined>,
): Promise<ScenarioResult> {
  const port = await freePort();
  const run = `w${workers}c${concurrency}_`;
  // The spans, collected here for the breakdown of where a registration's time goes.
  const traces = opts.breakdown === 'on' ? await TraceCollector.start() : undefined;
  const appEnv: NodeJS.ProcessEnv = {
    ...env,
    ...(traces
      ? { OTEL_EXPORTER_OTLP_ENDPOINT: traces.url, OTEL_BSP_SCHEDULE_DELAY: '500', OTEL_BSP_MAX_QUEUE_SIZE: '65536' }
      : {}),
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    MONGODB_URI: withDatabase(env.MONGODB_URI!, `bench_${run}`),
    TEMPORAL_TASK_QUEUE: `bench-${run}${Date.now()}`,
  };
  const profiling = opts['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${join(opts['cpu-prof'], run)}`] : [];
  const procs = [
    ...Array.from({ length: workers }, (_, i) =>
      appProcess('worker', appEnv, join(logDir, `${run}worker-${i}.log`), profiling),
    ),
    appProcess('api', appEnv, join(logDir, `${run}api.log`), profiling),
  ];
  const api = procs[procs.length - 1];
  procs.forEach((p) => track(p).start());
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/health`, api);
    for (const w of procs.slice(0, -1)) {
      while (!/worker running/.test(w.logTail(50))) await sleep(200);
    }
    const measured: Record<string, number | undefined> = {
      ...Object.fromEntries(procs.map((p, i) => [i === procs.length - 1 ? 'api' : `worker${i + 1}`, p.pid])),
      ...servers,
    };
    const cpuBefore = Object.fromEntries(Object.entries(measured).map(([k, pid]) => [k, cpuSeconds(pid)]));
    const windowStartUs = process.hrtime.bigint() / 1000n;
    // A cost that grows with the data shows as memory that grows with it too.
    const rssMbPerThousand: ({ registrations: number } & Record<string, number>)[] = [];
    const r = await drive(
      `${workers} worker(s)`,
      `http://127.0.0.1:${port}/api/users/register`,
      sink,
      run,
      concurrency,
      (answered) => {
        if (count <= 1000 || answered % 1000 !== 0) return;
        const current: Record<string, number> = {};
        for (const [k, pid] of Object.entries(measured)) current[k] = rssMb(pid, 'VmRSS');
        rssMbPerThousand.push({ ...current, registrations: answered });
      },
    );
    if (rssMbPerThousand.length) printRssPerThousand(rssMbPerThousand);
    if (opts['cpu-prof']) {
      // The registration phase on the profiles' clock (both are the monotonic clock): the summary keeps only it.
      const window = {
        startUs: Number(windowStartUs),
        endUs: Number(process.hrtime.bigint() / 1000n),
        registrations: count,
      };
      mkdirSync(join(opts['cpu-prof'], run), { recursive: true });
      writeFileSync(join(opts['cpu-prof'], run, 'window.json'), JSON.stringify(window));
    }
    const cpuMsPerRegistration = Object.fromEntries(
      Object.entries(measured).map(([k, pid]) => [k, Math.round(((cpuSeconds(pid) - cpuBefore[k]) * 1000) / count)]),
    );
    const breakdown = traces && (await printBreakdown(traces, `${workers} worker(s), concurrency ${concurrency}`));

    // Activations: the link from each mail, then the success mail.
    const activated = r.users.slice(0, activations);
    const links = await Promise.all(
      activated.map(
        async (u) => /(http:\/\/\S+\/api\/users\/activate\/[A-Za-z0-9_-]+)/.exec((await sink.textsFor(u.email))[0])![1],
      ),
    );
    const activation = await runConcurrently(activated.length, concurrency, (i) =>
      timed(async () => {
        const res = await fetch(links[i], { method: 'POST' });
        if (res.status !== 200) throw new Error(`activation answered ${res.status}`);
      }),
    );
    await sink.waitFor(
      activated.map((u) => u.email),
      2,
      120_000,
    );

    // History of completed flows (registered and activated).
    const client = new Client({ connection, dataConverter: dataConverter(loadConfig(appEnv)) });
    const sample = r.users.slice(0, Math.min(10, activations));
    const counts = await Promise.all(
      sample.map(async (u) => {
        const handle = client.workflow.getHandle(registrationWorkflowId(u.email));
        await handle.result();
        const events = (await handle.fetchHistory()).events ?? [];
        // The registration ends where the workflow task that accepts the activate update begins.
        const activateTask = activationTaskIndex(events);
        // Activities and local activities; the markers of patched() are neither.
        const isActivity = (e: (typeof events)[number]) =>
          !!e.activityTaskScheduledEventAttributes ||
          e.markerRecordedEventAttributes?.markerName === 'core_local_activity';
        return {
          events: { registration: activateTask, flow: events.length },
          actions: { registration: billableActions(events.slice(0, activateTask)), flow: billableActions(events) },
          activities: {
            registration: events.slice(0, activateTask).filter(isActivity).length,
            flow: events.filter(isActivity).length,
          },
        };
      }),
    );
    const average = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / (xs.length || 1)) * 10) / 10;

    return {
      name: `reliable-signup, ${workers} worker${workers > 1 ? 's' : ''}`,
      concurrency,
      registrationsPerSecond: r.perSecond,
      requestMs: distribution(r.requestMs),
      mailMs: distribution(r.mailMs),
      activationRequestMs: distribution(activation.map((a) => a.ms)),
      activationMailMs: distribution(activated.map((u, i) => sink.arrivalsFor(u.email)[1] - activation[i].startedAt)),
      historyEvents: {
        registration: average(counts.map((c) => c.events.registration)),
        flow: average(counts.map((c) => c.events.flow)),
      },
      billableActions: {
        registration: average(counts.map((c) => c.actions.registration)),
        flow: average(counts.map((c) => c.actions.flow)),
      },
      activities: {
        registration: average(counts.map((c) => c.activities.registration)),
        flow: average(counts.map((c) => c.activities.flow)),
      },
      peakRssMb: Object.fromEntries(
        procs.map((p, i) => [i === procs.length - 1 ? 'api' : `worker${workers > 1 ? i + 1 : ''}`, peakRssMb(p.pid)]),
      ),
      ...(rssMbPerThousand.length ? { rssMbPerThousand } : {}),
      cpuMsPerRegistration,
      breakdown,
      samples: { requestMs: r.requestMs, mailMs: r.mailMs },
    };
  } finally {
    await connection.close();
    await Promise.all(procs.map((p) => p.stop()));
    await traces?.stop();
  }
}

/** Each process's resident memory after each thousand registrations, a row per thousand. */
function printRssPerThousand(rows: ({ registrations: number } & Record<string, number>)[]): void {
  const names = Object.keys(rows[0]).filter((k) => k !== 'registrations');
  console.log('Resident memory (MB) after each thousand registrations:');
  console.log(`| registrations | ${names.join(' | ')} |`);
  console.log(`|---|${names.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.registrations} | ${names.map((n) => row[n]).join(' | ')} |`);
}

interface Breakdown {
  traces: number;
  steps: ReturnType<typeof breakdownOf>;
  /** Over more than a thousand registrations: the per-thousand table, line by line. */
  perThousand?: string[];
}

/** The breakdown of the registrations whose traces arrived complete (through their SMTP span). */
async function printBreakdown(traces: TraceCollector, scenario: string): Promise<Breakdown> {
  const smtpCount = () => traces.spans.filter((s) => s.name === 'smtp send').length;
  for (let waited = 0; smtpCount() < count && waited < 10_000; waited += 250) await sleep(250);
  const registrations = registrationSteps(traces.spans);
  console.log(`\nWhere the time goes, ${scenario} (${registrations.length} of ${count} traces complete):`);
  console.log(breakdownTable(registrations));
  const growth = perThousandTable(registrations);
  if (growth) console.log(`\nPer thousand registrations, ${scenario}:\n${growth}`);
  return {
    traces: registrations.length,
    steps: breakdownOf(registrations),
    ...(growth ? { perThousand: growth.split('\n') } : {}),
  };
}

function table(limit: number, results: ScenarioResult[]): string {
  const naiveAt = (concurrency: number) =>
    results.find((r) => r.name.startsWith('naive') && r.concurrency === concurrency)!;
  const fmt = (d?: Distribution) => (d ? `${d.p50} / ${d.p95} / ${d.p99} / ${d.max}` : '–');
  const rows = [
    [
      'scenario',
      'concurrency',
      'reg/s',
      'this/limit',
      'this/naive',
      'request ms p50/p95/p99/max',
      'request→mail ms p50/p95/p99/max',
      'events reg / +activation',
      'activities reg / +activation',
      'billable actions reg / +activation',
      'peak RSS MB',
    ],
    ['hash limit (all cores)', '', limit.toFixed(1), '', '', '', '', '', '', '', ''],
    ...results.map((r) => [
      r.name,
      String(r.concurrency),
      r.registrationsPerSecond.toFixed(1),
      `${Math.round((r.registrationsPerSecond / limit) * 100)} %`,
      r.name.startsWith('naive')
        ? ''
        : `${Math.round((r.registrationsPerSecond / naiveAt(r.concurrency).registrationsPerSecond) * 100)} %`,
      fmt(r.requestMs),
      fmt(r.mailMs),
      r.historyEvents ? `${r.historyEvents.registration} / ${r.historyEvents.flow}` : '',
      r.activities ? `${r.activities.registration} / ${r.activities.flow}` : '',
      r.billableActions ? `${r.billableActions.registration} / ${r.billableActions.flow}` : '',
      Object.entries(r.peakRssMb)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => `| ${r.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`).join('\n');
}

async function main(): Promise<void> {
  const bench = await startBenchStack('bench');
  const { dataDir, stack } = bench;
  try {
    const logDir = join(dataDir, 'logs');
    const bundle = join(dataDir, 'workflow-bundle.js');
    buildWorkflowBundle(bundle);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...stack.env,
      WORKFLOW_BUNDLE_PATH: bundle,
      LOG_LEVEL: 'info',
      PASSWORD_HASH_MEMORY_KIB: String(hashCost.memoryKib),
      PASSWORD_HASH_PASSES: String(hashCost.passes),
      RATE_LIMIT_REGISTER_PER_MINUTE: '1000000',
    };
    console.log(
      `bench: ${count} registrations at concurrency ${concurrencies.join(', ')}, ${activations} activations, argon2id ${hashCost.memoryKib} KiB × ${hashCost.passes}`,
    );
    const limit = await hashLimit(hashCost);
    console.log(`hash limit: ${limit.toFixed(1)} hashes/s`);
    const results: ScenarioResult[] = [];
    const report = (r: ScenarioResult) => {
      results.push(r);
      console.log(`${r.name} at concurrency ${r.concurrency}: ${r.registrationsPerSecond.toFixed(1)} reg/s`);
    };
    for (const concurrency of concurrencies) report(await naiveScenario(bench, env, logDir, concurrency));
    const servers = Object.fromEntries([...stack.processes].map(([name, p]) => [name, p.pid]));
    for (const workers of workerCounts) {
      for (const concurrency of concurrencies)
        report(await projectScenario(bench, env, workers, concurrency, logDir, servers));
    }
    console.log(`\n${table(limit, results)}\n`);
    for (const r of results.filter((x) => x.cpuMsPerRegistration)) {
      console.log(
        `CPU ms per registration, ${r.name}, concurrency ${r.concurrency}: ${Object.entries(r.cpuMsPerRegistration!)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
    }

    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const outDir = join(repoRoot, 'bench', 'results');
    mkdirSync(outDir, { recursive: true });
    const machine = {
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    };
    const json = {
      at: new Date().toISOString(),
      machine,
      options: { count, concurrencies, activations, workerCounts, hashCost },
      hashLimitPerSecond: limit,
      results: results.map(({ samples: _, ...r }) => ({ ...r, thisOverLimit: r.registrationsPerSecond / limit })),
    };
    writeFileSync(join(outDir, `${stamp}.json`), `${JSON.stringify(json, null, 2)}\n`);
    writeFileSync(
      join(outDir, `${stamp}.svg`),
      latencyChart(
        `request → mail received, ${count} registrations per scenario`,
        results.flatMap((r) => [
          { name: `${r.name}, concurrency ${r.concurrency}: request → response`, samples: r.samples.requestMs },
          { name: `${r.name}, concurrency ${r.concurrency}: request → mail`, samples: r.samples.mailMs },
        ]),
      ),
    );
    console.log(`results: bench/results/${stamp}.json and .svg`);
  } finally {
    await bench.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
