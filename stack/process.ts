import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Where stdout and stderr go; the supervisor's own terminal when absent. */
  logFile?: string;
}

/**
 * A server process in its own process group, so that stopping it also stops whatever it spawned and
 * a Ctrl-C in the terminal reaches only the supervisor, which then stops everything in order.
 */
export class ManagedProcess {
  private child?: ChildProcess;
  private exit?: Promise<number | null>;

  constructor(readonly spec: ProcessSpec) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    const log = this.spec.logFile ? openSync(this.spec.logFile, 'a') : 'inherit';
    const child = spawn(this.spec.command, this.spec.args, {
      env: this.spec.env ?? process.env,
      stdio: ['ignore', log, log],
      detached: true,
    });
    if (typeof log === 'number') closeSync(log);
    this.child = child;
    this.exit = new Promise((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', () => resolve(null));
    });
  }

  /** Resolves with the exit code when the process ends (null when killed by a signal). */
  exited(): Promise<number | null> {
    return this.exit ?? Promise.resolve(null);
  }

  /** How the last run ended: `code 1`, `signal SIGKILL`. */
  get howItEnded(): string {
    if (this.child?.signalCode) return `signal ${this.child.signalCode}`;
    return `code ${this.child?.exitCode ?? 'unknown'}`;
  }

  /** SIGTERM to the whole group, SIGKILL if it has not ended within the grace period. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.signal('SIGTERM');
    const done = await Promise.race([this.exited().then(() => true), sleep(graceMs).then(() => false)]);
    if (!done) {
      this.signal('SIGKILL');
      await this.exited();
    }
  }

  /** Kills the process group at once, as a crash would. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.signal('SIGKILL');
    await this.exited();
  }

  logTail(lines = 20): string {
    if (!this.spec.logFile) return '';
    try {
      return readFileSync(this.spec.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  private signal(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.child!.pid!, signal);
    } catch {
      // already gone
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it resolves; fails early when the process dies, with the end of its log. */
export async function waitUntilReady(
  proc: ManagedProcess,
  check: () => Promise<unknown>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (!proc.running) {
      throw new Error(`${proc.spec.name} exited during start-up.${logHint(proc)}`);
    }
    try {
      await check();
      return;
    } catch (err) {
      lastError = err;
    }
    await sleep(250);
  }
  throw new Error(
    `${proc.spec.name} was not ready within ${timeoutMs / 1000} s (${(lastError as Error)?.message ?? lastError}).${logHint(proc)}`,
  );
}

function logHint(proc: ManagedProcess): string {
  return proc.spec.logFile ? ` Last lines of ${proc.spec.logFile}:\n${proc.logTail()}` : '';
}
