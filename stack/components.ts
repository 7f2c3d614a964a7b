import { Connection } from '@temporalio/client';
import Redis from 'ioredis';
import mongoose from 'mongoose';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { searchAttributeTypes } from '../domain/search-attributes';
import { binaries } from './paths';
import type { ProcessSpec } from './process';

/** A server's own directory under the data directory, made if it does not exist yet. */
function ownDir(dataDir: string, name: string): string {
  const dir = join(dataDir, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A server the stack can run locally, and the environment that points the application at it. */
export interface Component {
  name: 'temporal' | 'mongodb' | 'redis' | 'smtp';
  ports: number[];
  process: Omit<ProcessSpec, 'logFile'>;
  ready: () => Promise<unknown>;
  readyTimeoutMs: number;
  env: Record<string, string>;
  urls: Record<string, string>;
}

/**
 * Where the dev server's Web UI calls the API's codec. No secret in it: the UI serves its settings to
 * anyone who opens it. The operator's console session is what lets the UI's calls decode (they carry it
 * once the UI includes credentials: docs/security.md#the-codec-who-may-decrypt-payloads).
 */
export const uiCodecEndpoint = (publicBaseUrl: string) => `${publicBaseUrl}/codec`;

/** The Temporal dev server with its Web UI; with `uiCodecEndpoint` the UI decodes payloads through it. */
export function temporal(port: number, uiPort: number, dataDir: string, uiCodecEndpoint?: string): Component {
  const address = `127.0.0.1:${port}`;
  return {
    name: 'temporal',
    ports: [port, uiPort],
    process: {
      name: 'temporal',
      command: binaries.temporal(),
      args: [
        'server',
        'start-dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(port),
        '--ui-port',
        String(uiPort),
        '--db-filename',
        join(dataDir, 'temporal.db'),
        '--namespace',
        'default',
        '--log-level',
        'warn',
        // Write-ahead log, synced at checkpoints: still durable across a crash of the server process.
        '--sqlite-pragma',
        'journal_mode=wal',
        '--sqlite-pragma',
        'synchronous=normal',
        // One partition per task queue: a single matching node gains nothing from four.
        '--dynamic-config-value',
        'matching.numTaskqueueReadPartitions=1',
        '--dynamic-config-value',
        'matching.numTaskqueueWritePartitions=1',
        ...Object.entries(searchAttributeTypes).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
        ...(uiCodecEndpoint ? ['--ui-codec-endpoint', uiCodecEndpoint] : []),
      ],
    },
    ready: async () => {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: 'default' });
      } finally {
        await connection.close();
      }
      const ui = await fetch(`http://127.0.0.1:${uiPort}/`);
      if (!ui.ok) throw new Error(`Web UI answered ${ui.status}`);
    },
    readyTimeoutMs: 90_000,
    env: { TEMPORAL_ADDRESS: address },
    urls: { 'Temporal Web UI': `http://localhost:${uiPort}` },
  };
}

export function mongodb(port: number, dataDir: string): Component {
  const dir = ownDir(dataDir, 'ferretdb');
  const uri = `mongodb://127.0.0.1:${port}/reliable_signup`;
  return {
    name: 'mongodb',
    ports: [port],
    process: {
      name: 'mongodb (FerretDB)',
      command: binaries.ferretdb(),
      args: [
        '--handler=sqlite',
        // FerretDB already uses a write-ahead log; synced at checkpoints it survives a crash of the process.
        `--sqlite-url=file:${dir}/?_pragma=synchronous(normal)`,
        `--listen-addr=127.0.0.1:${port}`,
        `--state-dir=${dir}`,
        '--telemetry=disable',
        '--debug-addr=-',
        '--log-level=warn',
      ],
    },
    ready: async () => {
      const connection = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 1000 }).asPromise();
      try {
        await connection.db!.admin().ping();
      } finally {
        await connection.close();
      }
    },
    readyTimeoutMs: 30_000,
    env: { MONGODB_URI: uri },
    urls: {},
  };
}

/**
 * Redis with its append-only file in the data directory, written to the OS at once and synced every
 * second: activation tokens and consumer idempotency keys survive a crash or restart of Redis.
 */
export function redis(port: number, dataDir: string): Component {
  const url = `redis://127.0.0.1:${port}`;
  return {
    name: 'redis',
    ports: [port],
    process: {
      name: 'redis',
      command: binaries.redisServer(),
      args: [
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--dir',
        ownDir(dataDir, 'redis'),
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--daemonize',
        'no',
      ],
    },
    ready: async () => {
      const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      // A refused connection while Redis starts rejects connect(): the supervisor asks again. Without a
      // listener, ioredis would also print it as an unhandled error event.
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.ping();
      } finally {
        client.disconnect();
      }
    },
    readyTimeoutMs: 15_000,
    env: { REDIS_URL: url },
    urls: {},
  };
}

/** maildev: keeps every mail it receives, shows it on a web page and lists it as JSON at /email. */
export function smtp(port: number, webPort: number, dataDir: string): Component {
  const web = `http://127.0.0.1:${webPort}`;
  return {
    name: 'smtp',
    ports: [port, webPort],
    process: {
      name: 'smtp (maildev)',
      command: process.execPath,
      args: [
        binaries.maildev(),
        '--ip',
        '127.0.0.1',
        '--smtp',
        String(port),
        '--web',
        String(webPort),
        '--mail-directory',
        ownDir(dataDir, 'mail'),
        '--silent',
      ],
    },
    ready: async () => {
      const res = await fetch(`${web}/email`);
      if (!res.ok) throw new Error(`maildev answered ${res.status}`);
    },
    readyTimeoutMs: 20_000,
    env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_API_URL: web },
    urls: { 'Mail (caught e-mails)': `http://localhost:${webPort}` },
  };
}
