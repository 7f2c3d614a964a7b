import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths';
import { ManagedProcess } from './process';

/**
 * How the worker and the API processes run (measured with `npm run bench`, docs/performance.md):
 * TypeScript through tsx's CommonJS hook alone (its ESM loader runs on a thread of its own, about
 * 20 MB more); a small young generation and two malloc arenas, which keep the peak RSS of a busy
 * worker 40 MB lower at the same CPU time.
 */
export const APP_NODE_ARGS = ['--max-semi-space-size=4', '--require', 'tsx/cjs'];
export const APP_ENV = { MALLOC_ARENA_MAX: '2' };

export type AppRole = 'worker' | 'api';

/** The worker or the API as a process of its own, run from the TypeScript sources. */
export function appProcess(
  name: AppRole,
  env: NodeJS.ProcessEnv,
  logFile?: string,
  nodeArgs: string[] = [],
): ManagedProcess {
  const entry = name === 'worker' ? 'workers/worker.ts' : 'api/server.ts';
  return new ManagedProcess({
    name,
    command: process.execPath,
    args: [...APP_NODE_ARGS, ...nodeArgs, join(repoRoot, entry)],
    env: { ...APP_ENV, ...env },
    logFile,
  });
}

/** The worker or the API as production runs it: the JavaScript `npm run build` wrote into `<root>/dist`. */
export function builtAppProcess(root: string, name: AppRole, env: NodeJS.ProcessEnv, logFile?: string): ManagedProcess {
  const entry = name === 'worker' ? 'dist/workers/worker.js' : 'dist/api/server.js';
  return new ManagedProcess({
    name,
    command: process.execPath,
    args: ['--enable-source-maps', join(root, entry)],
    env: { ...APP_ENV, ...env },
    logFile,
  });
}
/** Bundles the workflow code into `outFile` in a process of its own, so no worker carries the bundler's memory. */
export function buildWorkflowBundle(outFile: string): void {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'workers/workflow-bundle.ts'), outFile],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (result.status !== 0) throw new Error('Bundling the workflow code failed (see above).');
}

/** The same MongoDB server, another database: each test app and bench run writes to a database of its own. */
export function withDatabase(mongodbUri: string, database: string): string {
  return mongodbUri.replace(/\/[^/?]*(\?|$)/, `/${database}$1`);
}
