import type { ManagedProcess } from './process';
import { sleep } from './process';

export interface RestartPolicy {
  /** The first delay before a restart; it doubles with each quick crash, up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** A run shorter than this counts as a quick crash. */
  quickCrashMs: number;
  /** After this many quick crashes in a row, the supervisor gives up. */
  maxQuickCrashes: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  quickCrashMs: 30_000,
  maxQuickCrashes: 5,
};

/**
 * Starts `proc` again whenever it exits while it should be running, after a delay that backs off with
 * repeated quick crashes, and logs what died and how. After `maxQuickCrashes` quick crashes in a row it
 * gives up and calls `onGiveUp` with the reason. `stop()` ends the supervision (call it before stopping
 * the process on purpose).
 */
export function keepRunning(
  proc: ManagedProcess,
  opts: {
    log: (line: string) => void;
    onRestart?: (proc: ManagedProcess) => void;
    onGiveUp: (reason: string) => void;
    policy?: RestartPolicy;
  },
): { stop(): void } {
  const policy = opts.policy ?? DEFAULT_RESTART_POLICY;
  const name = proc.spec.name;
  let stopped = false;
  let quickCrashes = 0;

  const watch = async (): Promise<void> => {
    for (;;) {
      const startedAt = Date.now();
      await proc.exited();
      if (stopped) return;
      const ranMs = Date.now() - startedAt;
      quickCrashes = ranMs < policy.quickCrashMs ? quickCrashes + 1 : 1;
      if (quickCrashes > policy.maxQuickCrashes) {
        opts.onGiveUp(
          `${name} crashed ${quickCrashes - 1} times in a row, each within ${policy.quickCrashMs / 1000} s of its start ` +
            `(last: ${proc.howItEnded}); giving up.${proc.spec.logFile ? ` Its log: ${proc.spec.logFile}` : ''}`,
        );
        return;
      }
      const delay = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (quickCrashes - 1));
      opts.log(
        `${name} exited unexpectedly (${proc.howItEnded}) after ${Math.round(ranMs / 1000)} s; restarting in ${delay / 1000} s`,
      );
      await sleep(delay);
      if (stopped) return;
      proc.start();
      opts.onRestart?.(proc);
    }
  };
  void watch();
  return {
    stop() {
      stopped = true;
    },
  };
}
