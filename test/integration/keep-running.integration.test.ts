/**
 * The restart policy of `npm start`'s supervisor (stack/keep-running.ts) on real processes: a Redis
 * server SIGKILLed is started again and answers, with a log line that says what died and how; a process
 * that crashes at once each time is given up on after the allowed quick crashes, with a clear reason;
 * a process stopped on purpose stays stopped.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import * as components from '../../stack/components';
import { keepRunning, type RestartPolicy } from '../../stack/keep-running';
import { freePort } from '../../stack/ports';
import { ManagedProcess, sleep, waitUntilReady } from '../../stack/process';
import { eventually } from '../setup/http';

const fast: RestartPolicy = { initialDelayMs: 100, maxDelayMs: 400, quickCrashMs: 5_000, maxQuickCrashes: 3 };

test('a server SIGKILLed is started again, answers, and the supervisor says what died and how', async () => {
  const dataDir = mkdtempSync(join(process.env.TEST_DATA_DIR!, 'supervised-'));
  const component = components.redis(await freePort(), dataDir);
  const redis = new ManagedProcess({ ...component.process, logFile: join(dataDir, 'redis.log') });
  redis.start();
  await waitUntilReady(redis, component.ready, component.readyTimeoutMs);
  const lines: string[] = [];
  const supervision = keepRunning(redis, { log: (l) => lines.push(l), onGiveUp: (r) => lines.push(r), policy: fast });
  try {
    await redis.kill();
    await eventually(async () => lines.length > 0, 'the log line');
    expect(lines[0]).toMatch(/^redis exited unexpectedly \(signal SIGKILL\) after \d+ s; restarting in 0\.1 s$/);
    await eventually(
      () =>
        component.ready().then(
          () => true,
          () => false,
        ),
      'Redis to answer again',
    );
  } finally {
    supervision.stop();
    await redis.stop();
  }
});

test('a process that crashes at once, every time, is given up on with the reason', async () => {
  const crashing = new ManagedProcess({
    name: 'crasher',
    command: process.execPath,
    args: ['-e', 'process.exit(3)'],
    logFile: join(process.env.TEST_DATA_DIR!, `crasher-${await freePort()}.log`),
  });
  crashing.start();
  const lines: string[] = [];
  let reason: string | undefined;
  keepRunning(crashing, { log: (l) => lines.push(l), onGiveUp: (r) => (reason = r), policy: fast });
  await eventually(async () => reason, 'the supervisor to give up', 10_000);
  expect(reason).toMatch(
    /^crasher crashed 3 times in a row, each within 5 s of its start \(last: code 3\); giving up\./,
  );
  expect(lines).toHaveLength(3);
  expect(lines.map((l) => /restarting in ([\d.]+) s/.exec(l)?.[1])).toEqual(['0.1', '0.2', '0.4']);
});

test('a process stopped on purpose is not restarted', async () => {
  const sleeper = new ManagedProcess({
    name: 'sleeper',
    command: process.execPath,
    args: ['-e', 'setTimeout(() => {}, 60_000)'],
  });
  sleeper.start();
  const lines: string[] = [];
  const supervision = keepRunning(sleeper, { log: (l) => lines.push(l), onGiveUp: (r) => lines.push(r), policy: fast });
  supervision.stop();
  await sleeper.stop();
  await sleep(500);
  expect(sleeper.running).toBe(false);
  expect(lines).toEqual([]);
});
