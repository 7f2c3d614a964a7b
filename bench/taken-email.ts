/**
 * `npx tsx bench/taken-email.ts --count 100`: does POST /api/users/register take as long for an address
 * that already has an account as for a new one? On the real stack, one request at a time, the four kinds
 * interleaved in a shuffled order each round: a new address, an address whose registration is pending
 * (somebody else's registration, which replaces it), a repeat of a pending registration by its own
 * registrant, an address of an active account (each taken address tried once, so each attempt starts its
 * notice). Before measuring, one pending registration is repeated `--poison` times (50): repeats used to
 * teach the answer timing, and made a pending address answer faster than a new one.
 * Prints the medians and 95th percentiles of each kind, their ratios to the new address's, and a bootstrap
 * 95 % interval of each ratio (does it hold 1?).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { appProcess, buildWorkflowBundle, withDatabase } from '../stack/apps';
import { freePort } from '../stack/ports';
import { sleep } from '../stack/process';
import { runConcurrently, timed } from './load';
import { startBenchStack } from './bench-stack';
import { distribution, ratioInterval } from './stats';

const { values: opts } = parseArgs({
  options: { count: { type: 'string', default: '100' }, poison: { type: 'string', default: '50' } },
});
const count = Number(opts.count);
const KINDS = ['new address', 'taken, pending', 'pending, repeated', 'taken, active'] as const;

let seq = 0;
const newUser = (prefix: string) => {
  const id = `${prefix}${++seq}`;
  return { loginName: `bench_${id}`, email: `bench.${id}@example.test`, password: 'correct horse battery staple' };
};

async function register(baseUrl: string, user: object): Promise<number> {
  const { ms } = await timed(async () => {
    const res = await fetch(`${baseUrl}/api/users/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(user),
    });
    await res.arrayBuffer();
    if (res.status !== 202) throw new Error(`register answered ${res.status}`);
  });
  return ms;
}

/** Fisher–Yates, so that neither kind always runs first in a round. */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

async function main(): Promise<void> {
  const bench = await startBenchStack('bench-taken');
  const { dataDir, sink, stack } = bench;
  try {
    const bundle = join(dataDir, 'workflow-bundle.js');
    buildWorkflowBundle(bundle);
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...stack.env,
      WORKFLOW_BUNDLE_PATH: bundle,
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      MONGODB_URI: withDatabase(stack.env.MONGODB_URI, 'bench_taken'),
      TEMPORAL_TASK_QUEUE: `bench-taken-${Date.now()}`,
      LOG_LEVEL: 'info',
      RATE_LIMIT_REGISTER_PER_MINUTE: '1000000',
    };
    const procs = [
      bench.track(appProcess('worker', env, join(dataDir, 'worker.log'))),
      bench.track(appProcess('api', env, join(dataDir, 'api.log'))),
    ];
    procs.forEach((p) => p.start());
    const baseUrl = `http://127.0.0.1:${port}`;
    for (;;) {
      const up = await fetch(`${baseUrl}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (up && /worker running/.test(procs[0].logTail(50))) break;
      await sleep(250);
    }

    // The owners of the taken addresses: `count` pending (twice: replaced, and repeated), `count` activated.
    const pending = Array.from({ length: count }, () => newUser('p'));
    const repeated = Array.from({ length: count }, () => newUser('r'));
    const active = Array.from({ length: count }, () => newUser('a'));
    const owners = [...pending, ...repeated, ...active];
    await runConcurrently(owners.length, 4, (i) => register(baseUrl, owners[i]));
    await sink.waitFor(
      active.map((u) => u.email),
      1,
      120_000,
    );
    await runConcurrently(count, 4, async (i) => {
      const link = /(http:\/\/\S+\/api\/users\/activate\/[A-Za-z0-9_-]+)/.exec(
        (await sink.textsFor(active[i].email))[0],
      )![1];
      const res = await fetch(link, { method: 'POST' });
      if (res.status !== 200) throw new Error(`activation answered ${res.status}`);
    });
    // Warm-up: the first requests of a process pay for its JIT and connections, and the API holds a
    // concealed answer as long as one of its last 50 accepted registrations took (api/services/answer-timing.ts):
    // those must be from this one-at-a-time load, not from the owners registered four at a time above.
    for (let i = 0; i < 60; i++) await register(baseUrl, newUser('w'));
    // The poisoning: repeats of one pending registration, which must not teach the answer timing.
    const poisoner = newUser('poison');
    for (let i = 0; i <= Number(opts.poison); i++) await register(baseUrl, poisoner);

    const samples: Record<(typeof KINDS)[number], number[]> = {
      'new address': [],
      'taken, pending': [],
      'pending, repeated': [],
      'taken, active': [],
    };
    for (let i = 0; i < count; i++) {
      for (const kind of shuffled(KINDS)) {
        const fresh = newUser('x');
        const user =
          kind === 'new address'
            ? fresh
            : kind === 'pending, repeated'
              ? repeated[i]
              : { ...fresh, email: (kind === 'taken, pending' ? pending : active)[i].email };
        samples[kind].push(await register(baseUrl, user));
      }
    }

    const base = distribution(samples['new address']);
    const p50 = (xs: number[]) => distribution(xs).p50;
    const p95 = (xs: number[]) => distribution(xs).p95;
    const interval = ([lo, hi]: [number, number]) => `${lo.toFixed(2)}–${hi.toFixed(2)}`;
    console.log(`\nPOST /api/users/register, ${count} requests of each kind, one at a time, interleaved:\n`);
    console.log('| kind | p50 ms | p95 ms | p50 / new (95 % interval) | p95 / new (95 % interval) |');
    console.log('|---|---|---|---|---|');
    for (const kind of KINDS) {
      const d = distribution(samples[kind]);
      const [p50s, p95s] = [p50, p95].map((stat) =>
        interval(ratioInterval(samples[kind], samples['new address'], stat)),
      );
      console.log(
        `| ${kind} | ${d.p50} | ${d.p95} | ${(d.p50 / base.p50).toFixed(2)} (${p50s}) | ${(d.p95 / base.p95).toFixed(2)} (${p95s}) |`,
      );
    }
    console.log(
      '\nAn interval that holds 1.00 means the kind cannot be told from a new address by its timing at this count.',
    );
  } finally {
    await bench.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
