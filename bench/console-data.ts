import { Counter } from 'prom-client';
/**
 * `npm run bench:console`: the operator console's queries at a large audit trail. Inserts a generated
 * data set (messages with their two confirms, a user per registration) in batches into a MongoDB-wire
 * server of its own (FerretDB on SQLite, as `npm start` runs it; or MONGODB_URI), then times every query
 * each console page makes, through the same services the pages use, with no cache. See README,
 * "Operator console".
 *
 *   npm run bench:console -- --messages 1000000 --batch 2000 [--data-dir DIR] [--skip-insert] [--runs 2] [--only a,b]
 *
 * `--data-dir` keeps FerretDB's data there (reused with `--skip-insert`); otherwise a temporary directory, removed
 * at the end.
 * `--only` times only the queries whose names contain one of the given words.
 */
import type { Client } from '@temporalio/client';
import mongoose from 'mongoose';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { noCache } from '../api/services/brief-cache';
import { createConsoleService } from '../api/services/console';
import { createMessageService } from '../api/services/messages';
import { messagesQuery } from '../api/schemas';
import { ensureIndexes } from '../domain/models';
import { EVENTS_CONSUMER, MAIL_CONSUMER } from '../domain/subscriptions';
import { mongodb } from '../stack/components';
import { installStack } from '../stack/install';
import { repoRoot } from '../stack/paths';
import { freePort } from '../stack/ports';
import { ManagedProcess, waitUntilReady } from '../stack/process';
import { stopOnSignal } from './bench-stack';

const { values: opts } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '2000' },
    'data-dir': { type: 'string' },
    'skip-insert': { type: 'boolean', default: false },
    runs: { type: 'string', default: '2' },
    only: { type: 'string' },
  },
});
const total = Number(opts.messages);
const batchSize = Number(opts.batch);
const runs = Number(opts.runs);
/** The data set spans the retention period (7 days by default), newest at "now". */
const SPAN_MS = 7 * 24 * 3_600_000;
const start = Date.now() - SPAN_MS;
const at = (i: number) => new Date(start + Math.floor((i * SPAN_MS) / total));
const key = (i: number) => createHash('sha256').update(`bench-${i}`).digest('hex').slice(0, 24);

/** One in a thousand messages is DEAD (its mail confirm too), a few are on their way or cancelled. */
function statusOf(i: number) {
  switch (i % 1000) {
    case 7:
      return 'DEAD';
    case 8:
      return 'SENDING';
    case 9:
      return 'WAIT_SEND';
    case 10:
      return 'CANCELLED';
    default:
      return 'FINISHED';
  }
}

/** Message i, its confirms, and (for every second message, the activation mail's) its user. */
function documents(i: number) {
  const created = at(i);
  const ms = (d: number) => new Date(created.getTime() + d);
  const registration = Math.floor(i / 2);
  const userId = `u${key(registration)}`;
  const status = statusOf(i);
  const messageKey = key(i);
  const message = {
    _id: messageKey,
    messageKey,
    topic: 'SEND_EMAIL_TOPIC',
    tag: i % 2 === 0 ? 'ACTIVE_USER' : 'ACTIVE_USER_SUCCESS',
    producerGroup: 'PID_UAC',
    userId,
    workflowId: `registration-${userId}`,
    body: { userId, loginName: `user${registration}`, email: `user${registration}@example.test`, tokenSalt: key(-i) },
    status,
    resendCount: 0,
    history: [
      { status: 'WAIT_SEND', at: created },
      ...(status === 'WAIT_SEND' || status === 'CANCELLED' ? [] : [{ status: 'SENDING', at: ms(5) }]),
      ...(status === 'FINISHED' ? [{ status: 'FINISHED', at: ms(320) }] : []),
      ...(status === 'DEAD' ? [{ status: 'DEAD', at: ms(60_000), detail: MAIL_CONSUMER }] : []),
      ...(status === 'CANCELLED' ? [{ status: 'CANCELLED', at: ms(10), detail: 'bench' }] : []),
    ],
    ...(status === 'DEAD' ? { lastError: `${MAIL_CONSUMER}: connect ECONNREFUSED 127.0.0.1:1025` } : {}),
    createdAt: created,
    updatedAt: ms(320),
  };
  const confirms =
    status === 'WAIT_SEND' || status === 'CANCELLED'
      ? []
      : [MAIL_CONSUMER, EVENTS_CONSUMER].map((consumerGroup) => {
          const dead = status === 'DEAD' && consumerGroup === MAIL_CONSUMER;
          const consumed = status === 'FINISHED' || (status === 'DEAD' && !dead);
          return {
            _id: `${messageKey}/${consumerGroup}`,
            messageKey,
            consumerGroup,
            status: dead ? 'DEAD' : consumed ? 'CONSUMED' : 'UNCONFIRMED',
            consumeCount: dead ? 10 : consumed ? 1 : 0,
            history: [
              { status: 'UNCONFIRMED', at: ms(6) },
              ...(consumed ? [{ status: 'CONSUMED', at: ms(250 + (i % 200)) }] : []),
              ...(dead ? [{ status: 'DEAD', at: ms(60_000), detail: 'connect ECONNREFUSED' }] : []),
            ],
            ...(dead ? { lastError: 'connect ECONNREFUSED 127.0.0.1:1025' } : {}),
            createdAt: ms(6),
            updatedAt: ms(300),
          };
        });
  const user =
    i % 2 === 0
      ? {
          _id: userId,
          loginName: `user${registration}`,
          email: `user${registration}@example.test`,
          passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$bench$bench',
          status: 'ENABLED',
          workflowId: `registration-${userId}`,
          roleIds: [],
          groupIds: [],
          createdAt: created,
          updatedAt: ms(60_000),
          activatedAt: ms(60_000),
        }
      : undefined;
  return { message, confirms, user };
}

async function insert(db: mongoose.mongo.Db): Promise<Record<string, number>> {
  const began = Date.now();
  let counts = { messages: 0, confirms: 0, users: 0 };
  for (let from = 0; from < total; from += batchSize) {
    const docs = Array.from({ length: Math.min(batchSize, total - from) }, (_v, j) => documents(from + j));
    const confirms = docs.flatMap((d) => d.confirms);
    const users = docs.flatMap((d) => (d.user ? [d.user] : []));
    await db.collection('messages').insertMany(docs.map((d) => d.message) as never[], { ordered: false });
    if (confirms.length) await db.collection('confirms').insertMany(confirms as never[], { ordered: false });
    if (users.length) await db.collection('users').insertMany(users as never[], { ordered: false });
    counts = {
      messages: counts.messages + docs.length,
      confirms: counts.confirms + confirms.length,
      users: counts.users + users.length,
    };
    if ((from / batchSize) % 25 === 0 || from + batchSize >= total) {
      const s = (Date.now() - began) / 1000;
      console.log(
        `  ${counts.messages} messages, ${counts.confirms} confirms, ${counts.users} users in ${s.toFixed(0)} s`,
      );
    }
  }
  return { ...counts, seconds: Math.round((Date.now() - began) / 1000) };
}

async function timeIt<T>(fn: () => Promise<T>): Promise<{ ms: number[]; result: T }> {
  const ms: number[] = [];
  let result!: T;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    result = await fn();
    ms.push(Math.round(performance.now() - t));
  }
  return { ms, result };
}

async function main(): Promise<void> {
  let server: ManagedProcess | undefined;
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
    const dataDir = opts['data-dir'] ?? tempDir!;
    mkdirSync(dataDir, { recursive: true });
    const component = mongodb(await freePort(), dataDir);
    server = new ManagedProcess({ ...component.process, logFile: join(dataDir, 'ferretdb.log') });
    server.start();
    await waitUntilReady(server, component.ready, component.readyTimeoutMs);
    uri = component.env.MONGODB_URI.replace(/\/reliable_signup$/, '/console_bench');
    console.log(`FerretDB (SQLite) in ${dataDir}`);
  }
  try {
    await mongoose.connect(uri);
    await ensureIndexes();
    const db = mongoose.connection.db!;
    const inserted = opts['skip-insert'] ? undefined : await insert(db);
    if (inserted) console.log(`inserted in ${inserted.seconds} s`);

    const messages = createMessageService({
      client: {} as Client,
      resent: new Counter({ name: 'bench_resends', help: 'unused', labelNames: ['via'] }),
    });
    const overview = createConsoleService({ cache: noCache });
    const list = (q: Record<string, unknown>) => messages.list(messagesQuery.parse({ limit: 50, ...q }));
    const mid = at(Math.floor(total / 2));
    const firstPage = {
      nextCursor: `${at(total - 50).getTime()}.${Buffer.from(key(total - 50)).toString('base64url')}`,
    };
    const deadKey = key(7);
    const queries: [string, () => Promise<unknown>][] = [
      ['overview: messages by status', overview.parts.statusCounts],
      ['overview: registrations and activations per hour (12 h)', overview.parts.perHour],
      ['overview: request → mail latency (latest 200 mails)', overview.parts.latency],
      ['messages: newest 50', () => list({})],
      ['messages: next page (cursor)', () => list({ cursor: firstPage.nextCursor })],
      ['messages: status DEAD', () => list({ status: 'DEAD' })],
      ['messages: topic', () => list({ topic: 'SEND_EMAIL_TOPIC' })],
      ['messages: consumer group CID_OPC', () => list({ consumerGroup: MAIL_CONSUMER })],
      ['messages: consumer group CID_OPC, DEAD', () => list({ consumerGroup: MAIL_CONSUMER, status: 'DEAD' })],
      ['messages: user', () => list({ userId: `u${key(Math.floor(total / 4))}` })],
      ['messages: message key', () => list({ messageKey: key(Math.floor(total / 3)) })],
      [
        'messages: one hour, mid-range',
        () => list({ from: mid.toISOString(), to: new Date(mid.getTime() + 3_600_000).toISOString() }),
      ],
      ['message: detail with confirms', () => messages.get(deadKey)],
      ['resend all: count DEAD of the topic', () => messages.countDead({ topic: 'SEND_EMAIL_TOPIC' })],
      ['resend all: count DEAD of a consumer group', () => messages.countDead({ consumerGroup: MAIL_CONSUMER })],
    ];
    const results: { query: string; ms: number[]; items?: number }[] = [];
    const only = opts.only?.split(',');
    for (const [name, fn] of queries.filter(([n]) => !only || only.some((w) => n.includes(w)))) {
      const { ms, result } = await timeIt(fn);
      const items = (result as { items?: unknown[] } | undefined)?.items?.length;
      results.push({ query: name, ms, ...(items !== undefined ? { items } : {}) });
      console.log(
        `${name.padEnd(58)} ${ms.map((m) => `${m} ms`).join(' / ')}${items !== undefined ? `  (${items} items)` : ''}`,
      );
    }
    const plan = await db
      .collection('messages')
      .find({ status: 'DEAD' })
      .sort({ createdAt: -1, _id: -1 })
      .limit(51)
      .explain();
    const explain = Object.fromEntries(
      ['filterPushdown', 'sortPushdown', 'limitPushdown'].map((k) => [k, (plan as Record<string, unknown>)[k]]),
    );
    console.log('explain of "status DEAD, newest first":', JSON.stringify(explain));
    const counts: Record<string, number> = {};
    for (const c of ['messages', 'confirms', 'users']) counts[c] = await db.collection(c).estimatedDocumentCount();
    const out = join(repoRoot, 'bench', 'results', `console-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(out, JSON.stringify({ server: uri, counts, inserted, runs, results, explain }, null, 2) + '\n');
    console.log(`results: ${out}`);
  } finally {
    await stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
