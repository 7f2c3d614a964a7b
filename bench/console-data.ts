import { Counter } from 'prom-client';
/**
 * `npm run bench:console`: the operator console's queries at a large audit trail. Makes a generated
 * data set (`console-dataset.ts`: messages with their two confirms, a user per registration) in a
 * MongoDB-wire server of its own (FerretDB on SQLite, as `npm start` runs it; or MONGODB_URI), then times
 * every query each console page makes, through the same services the pages use, with no cache. See
 * docs/operations.md, "The operator console".
 *
 *   npm run bench:console -- --messages 1000000 [--data-dir DIR] [--skip-insert] [--runs 2] [--only a,b]
 *                            [--query-timeout-minutes 10] [--insert-all] [--batch 2000]
 *
 * On its own FerretDB, a set of more than one block (10 000 messages) is made by inserting block 0
 * through FerretDB in batches and copying it inside FerretDB's SQLite file (`console-copy.ts`),
 * checked afterwards (SQLite's integrity check, counts, documents read back by `_id` and compared with
 * what the generator makes); `--insert-all` inserts every document through FerretDB instead.
 * `--data-dir` keeps FerretDB's data there (reused with `--skip-insert`); otherwise a temporary directory,
 * removed at the end.
 * `--only` times only the queries whose names contain one of the given words. A query still running
 * after `--query-timeout-minutes` is reported as exceeding it; the server is restarted to stop it.
 */
import type { Client } from '@temporalio/client';
import mongoose from 'mongoose';
import { execFileSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { noCache } from '../api/services/brief-cache';
import { createConsoleService } from '../api/services/console';
import { createMessageService } from '../api/services/messages';
import { messagesQuery } from '../api/schemas';
import { ensureIndexes } from '../domain/models';
import { MAIL_CONSUMER } from '../domain/subscriptions';
import { mongodb } from '../stack/components';
import { installStack } from '../stack/install';
import { repoRoot } from '../stack/paths';
import { freePort } from '../stack/ports';
import { ManagedProcess, waitUntilReady } from '../stack/process';
import { stopOnSignal } from './bench-stack';
import { collectionSizes, copyBlocks, integrityCheck } from './console-copy';
import { BLOCK, SPAN_MS, dataset, type Dataset } from './console-dataset';

const { values: opts } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '2000' },
    'data-dir': { type: 'string' },
    'skip-insert': { type: 'boolean', default: false },
    'insert-all': { type: 'boolean', default: false },
    runs: { type: 'string', default: '2' },
    only: { type: 'string' },
    'query-timeout-minutes': { type: 'string', default: '10' },
  },
});
const total = Number(opts.messages);
const batchSize = Number(opts.batch);
const runs = Number(opts.runs);
const queryLimitMinutes = Number(opts['query-timeout-minutes']);
const DB = 'console_bench';
/** When the set was made (its timeline ends there): kept in the database so that `--skip-insert` reuses it. */
const META_ID = 'console-bench';

/** Inserts messages [from, to) with their confirms and users through the server, in batches. */
async function insert(db: mongoose.mongo.Db, set: Dataset, from: number, to: number) {
  const began = Date.now();
  const counts = { messages: 0, confirms: 0, users: 0 };
  for (let first = from; first < to; first += batchSize) {
    const docs = Array.from({ length: Math.min(batchSize, to - first) }, (_v, j) => set.documents(first + j));
    const confirms = docs.flatMap((d) => d.confirms);
    const users = docs.flatMap((d) => (d.user ? [d.user] : []));
    await db.collection('messages').insertMany(docs.map((d) => d.message) as never[], { ordered: false });
    if (confirms.length) await db.collection('confirms').insertMany(confirms as never[], { ordered: false });
    if (users.length) await db.collection('users').insertMany(users as never[], { ordered: false });
    counts.messages += docs.length;
    counts.confirms += confirms.length;
    counts.users += users.length;
    if (((first - from) / batchSize) % 25 === 0 || first + batchSize >= to) {
      const s = (Date.now() - began) / 1000;
      console.log(
        `  ${counts.messages} messages, ${counts.confirms} confirms, ${counts.users} users in ${s.toFixed(0)} s`,
      );
    }
  }
  return { ...counts, seconds: Math.round((Date.now() - began) / 1000) };
}

/** Reads a few documents of every block back by `_id` and compares them with what the generator makes. */
async function checkCopies(db: mongoose.mongo.Db, set: Dataset): Promise<number> {
  let checked = 0;
  for (const i of [0, 7, BLOCK + 9, Math.floor(total / 2) + 10, Math.floor(total / 3) + 8, total - 2, total - 1]) {
    const want = set.documents(i);
    const pairs: [string, { _id: string }][] = [
      ['messages', want.message],
      ...want.confirms.map((c) => ['confirms', c] as [string, { _id: string }]),
      ...(want.user ? [['users', want.user] as [string, { _id: string }]] : []),
    ];
    for (const [collection, doc] of pairs) {
      const got = await db.collection(collection).findOne({ _id: doc._id as never });
      if (!isDeepStrictEqual(got, doc)) {
        throw new Error(`${collection} ${doc._id} read back differs:\n${JSON.stringify(got)}\n${JSON.stringify(doc)}`);
      }
      checked++;
    }
  }
  return checked;
}

async function main(): Promise<void> {
  let server: ManagedProcess | undefined;
  let ready: (() => Promise<unknown>) | undefined;
  let sqliteFile: string | undefined;
  let dataDir: string | undefined;
  let uri = process.env.MONGODB_URI;
  let tempDir: string | undefined;
  let stopped: Promise<void> | undefined;
  const stop = (graceMs?: number) =>
    (stopped ??= (async () => {
      await mongoose.disconnect();
      await server?.stop(graceMs);
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    })());
  stopOnSignal(stop);
  if (!uri) {
    installStack();
    if (!opts['data-dir']) tempDir = mkdtempSync(join(tmpdir(), 'console-bench-'));
    dataDir = opts['data-dir'] ?? tempDir!;
    mkdirSync(dataDir, { recursive: true });
    const component = mongodb(await freePort(), dataDir);
    server = new ManagedProcess({ ...component.process, logFile: join(dataDir, 'ferretdb.log') });
    ready = () => waitUntilReady(server!, component.ready, component.readyTimeoutMs);
    server.start();
    await ready();
    uri = component.env.MONGODB_URI.replace(/\/reliable_signup$/, `/${DB}`);
    sqliteFile = join(dataDir, 'ferretdb', `${DB}.sqlite`);
    console.log(`FerretDB (SQLite) in ${dataDir}`);
  }
  const connect = async () => {
    await mongoose.connect(uri);
    return mongoose.connection.db!;
  };
  try {
    let db = await connect();
    await ensureIndexes();
    const meta = db.collection<{ _id: string; start: number; messages: number }>('bench_meta');
    const kept = opts['skip-insert'] ? await meta.findOne({ _id: META_ID }) : null;
    if (kept && kept.messages !== total) throw new Error(`the kept set has ${kept.messages} messages, not ${total}`);
    const set = dataset(total, kept?.start ?? Date.now() - SPAN_MS);
    let inserted: Record<string, unknown> | undefined;
    if (!opts['skip-insert']) {
      await meta.insertOne({ _id: META_ID, start: set.at(0).getTime(), messages: total });
      const blocks = total / BLOCK;
      const copy =
        !!sqliteFile &&
        !opts['insert-all'] &&
        blocks > 1 &&
        Number.isInteger(blocks) &&
        Number.isInteger(set.blockShiftMs);
      const through = await insert(db, set, 0, copy ? BLOCK : total);
      console.log(`inserted through the server in ${through.seconds} s`);
      inserted = { throughServer: through };
      if (copy) {
        await mongoose.disconnect();
        await server!.stop();
        console.log(`copying block 0 to ${blocks - 1} more blocks in SQLite…`);
        const copied = copyBlocks(sqliteFile!, blocks, set.blockShiftMs);
        console.log(`copied in ${copied.seconds} s; integrity check…`);
        const integrity = integrityCheck(sqliteFile!);
        console.log(`integrity check: ${integrity.result} (${integrity.seconds} s)`);
        if (integrity.result !== 'ok') throw new Error(`SQLite integrity check: ${integrity.result}`);
        server!.start();
        await ready!();
        db = await connect();
        const readBack = await checkCopies(db, set);
        console.log(`${readBack} documents read back by _id as generated`);
        inserted = { ...inserted, copiedInSqlite: copied, integrityCheck: integrity, documentsReadBack: readBack };
      }
    }

    const counts: Record<string, number> = {};
    if (sqliteFile) Object.assign(counts, collectionSizes(sqliteFile));
    else for (const c of ['messages', 'confirms', 'users']) counts[c] = await db.collection(c).estimatedDocumentCount();
    console.log('collections:', JSON.stringify(counts));
    const expected = { messages: total, confirms: total * 2 - (total / 1000) * 4, users: total / 2 };
    if (total % 1000 === 0 && !isDeepStrictEqual(counts, expected))
      throw new Error(`expected ${JSON.stringify(expected)}`);
    const diskBytes = dataDir ? Number(execFileSync('du', ['-sb', dataDir], { encoding: 'utf8' }).split('\t')[0]) : 0;
    if (dataDir) console.log(`on disk: ${(diskBytes / 1e9).toFixed(2)} GB`);

    const messages = createMessageService({
      client: {} as Client,
      resent: new Counter({ name: 'bench_resends', help: 'unused', labelNames: ['via'] }),
    });
    const overview = createConsoleService({ cache: noCache });
    const list = (q: Record<string, unknown>) => messages.list(messagesQuery.parse({ limit: 50, ...q }));
    const mid = set.at(Math.floor(total / 2));
    const nextCursor = `${set.at(total - 50).getTime()}.${Buffer.from(set.key(total - 50)).toString('base64url')}`;
    const queries: [string, () => Promise<unknown>][] = [
      ['overview: messages by status', overview.parts.statusCounts],
      ['overview: registrations and activations per hour (12 h)', overview.parts.perHour],
      ['overview: request → mail latency (latest 200 mails)', overview.parts.latency],
      ['messages: newest 50', () => list({})],
      ['messages: next page (cursor)', () => list({ cursor: nextCursor })],
      ['messages: status DEAD', () => list({ status: 'DEAD' })],
      ['messages: topic', () => list({ topic: 'SEND_EMAIL_TOPIC' })],
      ['messages: consumer group CID_OPC', () => list({ consumerGroup: MAIL_CONSUMER })],
      ['messages: consumer group CID_OPC, DEAD', () => list({ consumerGroup: MAIL_CONSUMER, status: 'DEAD' })],
      ['messages: user', () => list({ userId: set.userId(Math.floor(total / 4)) })],
      ['messages: message key', () => list({ messageKey: set.key(Math.floor(total / 3)) })],
      [
        'messages: one hour, mid-range',
        () => list({ from: mid.toISOString(), to: new Date(mid.getTime() + 3_600_000).toISOString() }),
      ],
      ['message: detail with confirms', () => messages.get(set.key(total - 993))],
      ['resend all: count DEAD of the topic', () => messages.countDead({ topic: 'SEND_EMAIL_TOPIC' })],
      ['resend all: count DEAD of a consumer group', () => messages.countDead({ consumerGroup: MAIL_CONSUMER })],
    ];

    /** One run of a query, or undefined when it was still running at the limit (the server is then restarted). */
    const timed = async (fn: () => Promise<unknown>) => {
      const t = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const run = fn();
      run.catch(() => undefined);
      const outcome = await Promise.race([
        run.then((result) => ({ result })),
        new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), queryLimitMinutes * 60_000))),
      ]).finally(() => clearTimeout(timer));
      if (outcome) return { ms: Math.round(performance.now() - t), result: outcome.result };
      await mongoose.disconnect();
      if (server) {
        await server.stop();
        server.start();
        await ready!();
      }
      await connect();
      return undefined;
    };

    const results: { query: string; ms: number[]; exceededMinutes?: number; items?: number; value?: unknown }[] = [];
    const only = opts.only?.split(',');
    for (const [name, fn] of queries.filter(([n]) => !only || only.some((w) => n.includes(w)))) {
      const ms: number[] = [];
      let result: unknown;
      let exceeded = false;
      for (let r = 0; r < runs && !exceeded; r++) {
        const run = await timed(fn);
        if (run) {
          ms.push(run.ms);
          result = run.result;
        } else exceeded = true;
      }
      const items = (result as { items?: unknown[] } | undefined)?.items?.length;
      // A count, or the counts by status: what the page would show.
      const value = typeof result === 'number' || name.includes('by status') ? result : undefined;
      results.push({
        query: name,
        ms,
        ...(exceeded ? { exceededMinutes: queryLimitMinutes } : {}),
        ...(items !== undefined ? { items } : {}),
        ...(value !== undefined ? { value } : {}),
      });
      const shown = [...ms.map((m) => `${m} ms`), ...(exceeded ? [`> ${queryLimitMinutes} min`] : [])].join(' / ');
      console.log(
        `${name.padEnd(58)} ${shown}${items !== undefined ? `  (${items} items)` : ''}${value !== undefined ? `  ${JSON.stringify(value)}` : ''}`,
      );
    }
    const plan = await mongoose.connection
      .db!.collection('messages')
      .find({ status: 'DEAD' })
      .sort({ createdAt: -1, _id: -1 })
      .limit(51)
      .explain();
    const explain = Object.fromEntries(
      ['filterPushdown', 'sortPushdown', 'limitPushdown'].map((k) => [k, (plan as Record<string, unknown>)[k]]),
    );
    console.log('explain of "status DEAD, newest first":', JSON.stringify(explain));
    const out = join(repoRoot, 'bench', 'results', `console-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      out,
      JSON.stringify(
        { server: uri, counts, diskBytes, inserted, runs, queryTimeoutMinutes: queryLimitMinutes, results, explain },
        null,
        2,
      ) + '\n',
    );
    console.log(`results: ${out}`);
  } finally {
    await stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
