import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../stack/paths';
import { freePort } from '../../stack/ports';

const SERVER_SETTINGS = ['TEMPORAL_ADDRESS', 'MONGODB_URI', 'REDIS_URL', 'SMTP_URL', 'MAIL_API_URL'];

/** The ports an `npm start` of a test's own listens on. */
export interface NpmStartPorts {
  api: number;
  temporal: number;
  temporalUi: number;
  mongodb: number;
  redis: number;
  smtp: number;
  mailWeb: number;
}

/**
 * `npm start` as an operator runs it (stack/start.ts), on free ports and in a data directory of the
 * test's own, with no server given by the environment: it starts every one itself. Its output goes to
 * `<dataDir>/npm-start.log`; it runs in a process group of its own.
 */
export async function spawnNpmStart(dataDir: string): Promise<{ supervisor: ChildProcess; ports: NpmStartPorts }> {
  const ports: NpmStartPorts = {
    api: await freePort(),
    temporal: await freePort(),
    temporalUi: await freePort(),
    mongodb: await freePort(),
    redis: await freePort(),
    smtp: await freePort(),
    mailWeb: await freePort(),
  };
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of [...SERVER_SETTINGS, 'WORKFLOW_BUNDLE_PATH', 'REDIS_KEY_PREFIX']) delete env[key];
  Object.assign(env, {
    RELIABLE_SIGNUP_DATA: dataDir,
    PORT: String(ports.api),
    PUBLIC_BASE_URL: `http://127.0.0.1:${ports.api}`,
    WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
    API_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.temporalUi),
    MONGODB_PORT: String(ports.mongodb),
    REDIS_PORT: String(ports.redis),
    SMTP_PORT: String(ports.smtp),
    MAIL_WEB_PORT: String(ports.mailWeb),
    // This stack is the test's alone: its clients all come from one address.
    RATE_LIMIT_REGISTER_PER_MINUTE: '1000',
    LOG_LEVEL: 'warn',
  });
  const log = openSync(join(dataDir, 'npm-start.log'), 'a');
  const supervisor = spawn(process.execPath, ['--require', 'tsx/cjs', join(repoRoot, 'stack/start.ts')], {
    cwd: repoRoot,
    env,
    detached: true,
    stdio: ['ignore', log, log],
  });
  return { supervisor, ports };
}

/** A process's command line, its arguments joined by spaces; undefined once it has gone. */
export function commandLineOf(pid: number | string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}
