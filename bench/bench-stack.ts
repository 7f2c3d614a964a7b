import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installStack } from '../stack/install';
import { freePort } from '../stack/ports';
import type { ManagedProcess } from '../stack/process';
import { startStack } from '../stack/supervisor';
import { SmtpSink } from './smtp-sink';

export type BenchStack = Awaited<ReturnType<typeof startBenchStack>>;

/**
 * Calls `stop` on SIGINT or SIGTERM, then exits with 130. The servers run in process groups of their
 * own, so a Ctrl-C reaches only the bench: without this they would outlive it. On every signal, not
 * only the first: under tsx (`npm run bench`) a Ctrl-C can arrive twice, the terminal's and tsx's relay
 * of it, and a signal with no listener left ends the process before the servers are stopped.
 */
export function stopOnSignal(stop: (graceMs: number) => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      void stop(5000).finally(() => process.exit(130));
    });
  }
}

/**
 * The servers a bench runs against, as `npm start` runs them but on free ports in a throw-away data
 * directory, with the bench's own SMTP server (which notes when each mail arrives) instead of maildev.
 * `track` the processes the bench starts on it; `stop()` (in a `finally`, and on Ctrl-C or SIGTERM)
 * stops them, then the servers and the SMTP server, and removes the data directory.
 */
export async function startBenchStack(name: string) {
  installStack();
  const dataDir = mkdtempSync(join(tmpdir(), `reliable-signup-${name}-`));
  const sink = new SmtpSink();
  const smtpPort = await freePort();
  await sink.listen(smtpPort);
  const ports = {
    temporal: await freePort(),
    temporalUi: await freePort(),
    mongodb: await freePort(),
    redis: await freePort(),
    smtp: 0,
    smtpWeb: 0,
  };
  const removeSinkAndData = async () => {
    await sink.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  // A Ctrl-C while the servers start abandons the start, which stops the ones it has started.
  const starting = new AbortController();
  const abandon = () => starting.abort(new Error('Interrupted while the servers started.'));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, abandon);
  const stack = await startStack({
    dataDir,
    ports,
    given: { ...process.env, SMTP_URL: `smtp://127.0.0.1:${smtpPort}` },
    signal: starting.signal,
  })
    .catch(async (err: unknown) => {
      await removeSinkAndData();
      // Interrupted: end as an interrupted bench does once the servers run (stopOnSignal).
      if (starting.signal.aborted) process.exit(130);
      throw err;
    })
    .finally(() => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, abandon);
    });

  // Stopping one that has ended already does nothing, so none is ever taken off.
  const tracked: ManagedProcess[] = [];
  const track = (proc: ManagedProcess) => {
    tracked.push(proc);
    return proc;
  };
  let stopped: Promise<void> | undefined;
  const stop = (graceMs?: number) =>
    (stopped ??= (async () => {
      await Promise.all(tracked.map((p) => p.stop(graceMs)));
      await stack.stop();
      await removeSinkAndData();
    })());
  stopOnSignal(stop);
  return { dataDir, sink, stack, track, stop };
}
