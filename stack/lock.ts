import { closeSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

export interface LockState {
  pid: number;
  /** Process groups started by the owner, killed if the owner died without stopping them. */
  groups: number[];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the stack's lock file, so that a second `npm start` fails with a clear message instead of a
 * port collision. A lock left by a supervisor that was killed is taken over, and its strays stopped.
 */
export function acquireLock(path: string): { update(groups: number[]): void; release(): void } {
  for (;;) {
    try {
      closeSync(openSync(path, 'wx'));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let previous: LockState | undefined;
      try {
        previous = JSON.parse(readFileSync(path, 'utf8')) as LockState;
      } catch {
        // empty or half-written by an owner that died at once: stale
      }
      if (previous && alive(previous.pid) && previous.pid !== process.pid) {
        throw new Error(
          `reliable-signup is already running (pid ${previous.pid}). Stop it with Ctrl-C in its terminal or \`kill ${previous.pid}\`, then start again.`,
          { cause: err },
        );
      }
      for (const group of previous?.groups ?? []) {
        try {
          process.kill(-group, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      rmSync(path, { force: true });
    }
  }
  // Written aside and renamed over the lock, so that a reader (a second `npm start`) never sees it half-written.
  const write = (groups: number[]) => {
    writeFileSync(`${path}.${process.pid}`, JSON.stringify({ pid: process.pid, groups } satisfies LockState));
    renameSync(`${path}.${process.pid}`, path);
  };
  write([]);
  return { update: write, release: () => rmSync(path, { force: true }) };
}
