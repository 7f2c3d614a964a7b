import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as components from './components';
import type { Component } from './components';
import { assertPortFree } from './ports';
import { ManagedProcess, waitUntilReady } from './process';

export interface StackPorts {
  temporal: number;
  temporalUi: number;
  mongodb: number;
  redis: number;
  smtp: number;
  smtpWeb: number;
}

export const defaultPorts: StackPorts = {
  temporal: 7233,
  temporalUi: 8233,
  mongodb: 27017,
  redis: 6379,
  smtp: 1025,
  smtpWeb: 1080,
};

/** The local servers' ports: the defaults, each replaceable from the environment (`REDIS_PORT=6380 npm start`). */
export function portsFrom(env: NodeJS.ProcessEnv): StackPorts {
  const port = (name: string, fallback: number) => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 65535)
      throw new Error(`${name} must be a port number (1-65535), not "${value}"`);
    return n;
  };
  return {
    temporal: port('TEMPORAL_PORT', defaultPorts.temporal),
    temporalUi: port('TEMPORAL_UI_PORT', defaultPorts.temporalUi),
    mongodb: port('MONGODB_PORT', defaultPorts.mongodb),
    redis: port('REDIS_PORT', defaultPorts.redis),
    smtp: port('SMTP_PORT', defaultPorts.smtp),
    smtpWeb: port('MAIL_WEB_PORT', defaultPorts.smtpWeb),
  };
}

export interface Stack {
  /** What the application needs to reach the stack: given settings plus those of the servers started here. */
  env: Record<string, string>;
  urls: Record<string, string>;
  processes: Map<Component['name'], ManagedProcess>;
  stop(): Promise<void>;
}

/** Which local servers to run: those whose URL the environment does not already give. */
export function wantedComponents(
  ports: StackPorts,
  dataDir: string,
  given: NodeJS.ProcessEnv,
  uiCodecEndpoint?: string,
): Component[] {
  const wanted: Component[] = [];
  if (!given.TEMPORAL_ADDRESS)
    wanted.push(components.temporal(ports.temporal, ports.temporalUi, dataDir, uiCodecEndpoint));
  if (!given.MONGODB_URI) wanted.push(components.mongodb(ports.mongodb, dataDir));
  if (!given.REDIS_URL) wanted.push(components.redis(ports.redis, dataDir));
  if (!given.SMTP_URL) wanted.push(components.smtp(ports.smtp, ports.smtpWeb, dataDir));
  return wanted;
}

/** Starts every wanted component, waits until each answers, and stops them all again if one fails. */
export async function startStack(opts: {
  dataDir: string;
  ports: StackPorts;
  given?: NodeJS.ProcessEnv;
  /** Where the dev server's Web UI decodes payloads (the API's codec endpoint). */
  uiCodecEndpoint?: string;
  /** Abandons the start (a Ctrl-C, say): every server started so far is stopped, then the start rejects. */
  signal?: AbortSignal;
}): Promise<Stack> {
  const given = opts.given ?? process.env;
  const logDir = join(opts.dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });

  const wanted = wantedComponents(opts.ports, opts.dataDir, given, opts.uiCodecEndpoint);
  for (const c of wanted) for (const port of c.ports) await assertPortFree(port, c.name);

  const processes = new Map<Component['name'], ManagedProcess>();
  const stop = async () => {
    await Promise.all([...processes.values()].map((p) => p.stop()));
  };
  const startAll = (components: Component[]) =>
    Promise.all(
      components.map(async (c) => {
        const proc = new ManagedProcess({ ...c.process, logFile: join(logDir, `${c.name}.log`) });
        processes.set(c.name, proc);
        proc.start();
        await waitUntilReady(proc, c.ready, c.readyTimeoutMs);
      }),
    );
  const abandoned = new Promise<never>((_, reject) => {
    const { signal } = opts;
    if (signal?.aborted) reject(signal.reason as Error);
    signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
  try {
    // The Temporal dev server also listens on ports it picks itself, for its internal services: it starts
    // once the others listen on theirs, so that it cannot take one of them first.
    await Promise.race([startAll(wanted.filter((c) => c.name !== 'temporal')), abandoned]);
    await Promise.race([startAll(wanted.filter((c) => c.name === 'temporal')), abandoned]);
  } catch (err) {
    await stop();
    throw err;
  }

  const env: Record<string, string> = {};
  for (const key of ['TEMPORAL_ADDRESS', 'MONGODB_URI', 'REDIS_URL', 'SMTP_URL', 'MAIL_API_URL']) {
    if (given[key]) env[key] = given[key]!;
  }
  const urls: Record<string, string> = {};
  for (const c of wanted) {
    Object.assign(env, c.env);
    Object.assign(urls, c.urls);
  }
  return { env, urls, processes, stop };
}
