import { join } from 'node:path';
import { repoRoot } from './paths';
import { ManagedProcess } from './process';

/** The worker or the API as a process of its own, run from the TypeScript sources. */
export function appProcess(name: 'worker' | 'api', env: NodeJS.ProcessEnv, logFile?: string): ManagedProcess {
  const entry = name === 'worker' ? 'workers/worker.ts' : 'api/server.ts';
  return new ManagedProcess({ name, command: process.execPath, args: ['--import', 'tsx', join(repoRoot, entry)], env, logFile });
}
