import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import * as components from '../../stack/components';
import type { Component } from '../../stack/components';
import { freePort } from '../../stack/ports';
import { ManagedProcess, waitUntilReady } from '../../stack/process';

export interface PrivateServer {
  component: Component;
  env: Record<string, string>;
  /** Stops the server (its data stays), as an outage would. */
  stop(): Promise<void>;
  /** Kills it at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
}

/**
 * A server of the test file's own, for fault injection that must not disturb other test files; with
 * `start: false` its port is chosen but it is not started yet (a dependency that comes up late).
 */
export async function startPrivateServer(
  kind: 'smtp' | 'mongodb' | 'temporal' | 'redis',
  opts: { start?: boolean } = {},
): Promise<PrivateServer> {
  const dataDir = mkdtempSync(join(process.env.TEST_DATA_DIR!, `${kind}-`));
  const made = {
    smtp: async () => components.smtp(await freePort(), await freePort(), dataDir),
    mongodb: async () => components.mongodb(await freePort(), dataDir),
    temporal: async () => components.temporal(await freePort(), await freePort(), dataDir),
    redis: async () => components.redis(await freePort(), dataDir),
  };
  const component = await made[kind]();
  let proc: ManagedProcess | undefined;
  const server: PrivateServer = {
    component,
    env: component.env,
    async start() {
      proc = new ManagedProcess({ ...component.process, logFile: join(dataDir, `${kind}.log`) });
      proc.start();
      await waitUntilReady(proc, component.ready, component.readyTimeoutMs);
    },
    async stop() {
      await proc?.stop();
    },
    async kill() {
      await proc?.kill();
    },
  };
  if (opts.start ?? true) await server.start();
  return server;
}
