/**
 * `npm start` stopped with Ctrl-C while its servers are still starting: the start is abandoned, every
 * server it had started is stopped, and it exits, leaving nothing listening on the stack's ports.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { eventually } from '../setup/http';
import { commandLineOf, spawnNpmStart, type NpmStartPorts } from '../setup/npm-start';

jest.setTimeout(300_000);

let dataDir: string;
let supervisor: ChildProcess | undefined;
let ports: NpmStartPorts | undefined;

afterAll(() => {
  // After a failure: whatever was left of this stack, found by its data directory or its Redis port
  // (redis-server rewrites its command line to its address).
  if (supervisor?.pid && supervisor.exitCode === null) process.kill(-supervisor.pid, 'SIGKILL');
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    const commandLine = commandLineOf(pid);
    if (commandLine?.includes(dataDir) || (ports && commandLine?.includes(`127.0.0.1:${ports.redis}`)))
      process.kill(Number(pid), 'SIGKILL');
  }
});

/** Whether something accepts connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

test('a Ctrl-C while the servers start stops the ones already started, and npm start exits', async () => {
  dataDir = mkdtempSync(join(process.env.TEST_DATA_DIR!, 'npm-start-interrupted-'));
  ({ supervisor, ports } = await spawnNpmStart(dataDir));
  const started = ports;
  // Redis is among the first to listen; the API, started once every server is up, is not there yet.
  await eventually(() => listening(started.redis), `Redis to listen (see ${dataDir}/npm-start.log)`, 120_000);
  expect(await listening(started.api)).toBe(false);

  // A Ctrl-C reaches the terminal's foreground process group: npm start's own (each server has its own).
  process.kill(-supervisor.pid!, 'SIGINT');
  const proc = supervisor;
  await eventually(async () => proc.exitCode !== null, 'npm start to exit', 60_000);

  const { api, temporal, temporalUi, mongodb, redis, smtp, mailWeb } = started;
  const stillListening = [];
  for (const port of [api, temporal, temporalUi, mongodb, redis, smtp, mailWeb])
    if (await listening(port)) stillListening.push(port);
  expect(stillListening).toEqual([]);
  expect(existsSync(join(dataDir, 'stack.lock'))).toBe(false);
});
