/**
 * `npm start` as an operator runs it, on ports and a data directory of its own: each local server, the
 * worker and the API SIGKILLed in turn. The supervisor starts each again without a hand, /health comes
 * back, and registrations made before, during and after each crash each get exactly one activation
 * mail (counted in the SMTP catcher's own mail directory, which outlives the catcher's restarts). A
 * SIGTERM to the whole process group then stops everything.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { LockState } from '../../stack/lock';
import { eventually, request } from '../setup/http';
import { commandLineOf, spawnNpmStart } from '../setup/npm-start';

jest.setTimeout(900_000);

/** How each supervised process is recognised on its command line. */
const VICTIMS: [name: string, commandLine: RegExp][] = [
  ['redis', /redis-server/],
  ['mongodb (FerretDB)', /ferretdb/],
  ['smtp (maildev)', /maildev/],
  ['temporal', /start-dev/],
  ['worker', /workers\/worker\.ts/],
  ['api', /api\/server\.ts/],
];

let dataDir: string;
let baseUrl: string;
let supervisor: ChildProcess;

beforeAll(async () => {
  dataDir = mkdtempSync(join(process.env.TEST_DATA_DIR!, 'npm-start-'));
  const started = await spawnNpmStart(dataDir);
  supervisor = started.supervisor;
  baseUrl = `http://127.0.0.1:${started.ports.api}`;
  await healthy();
});

afterAll(async () => {
  // After a failure: stopped as an operator would, then whatever the supervisor left (each server runs in
  // a process group of its own) killed by the groups its lock names.
  if (!supervisor?.pid || supervisor.exitCode !== null) return;
  const groups = existsSync(join(dataDir, 'stack.lock')) ? running() : new Map<string, number>();
  process.kill(-supervisor.pid, 'SIGTERM');
  await eventually(async () => supervisor.exitCode !== null, 'npm start to exit', 60_000).catch(() => undefined);
  for (const pid of [supervisor.pid, ...groups.values()]) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
});

/** /health answering 200; if `npm start` has exited meanwhile, the end of its log says why. */
async function healthy(): Promise<unknown> {
  const log = join(dataDir, 'npm-start.log');
  const tail = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-30).join('\n') : '');
  return eventually(
    async () => {
      if (supervisor.exitCode !== null) throw new Error(`npm start exited (${supervisor.exitCode})`);
      return (await request(baseUrl, 'GET', '/health').catch(() => ({ status: 0 }))).status === 200;
    },
    `/health to answer 200 (see ${log})`,
    120_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\nThe end of npm start's log:\n${tail()}`);
  });
}

/** The processes the supervisor runs now, by name, from its lock file and their command lines. */
function running(): Map<string, number> {
  const { groups } = JSON.parse(readFileSync(join(dataDir, 'stack.lock'), 'utf8')) as LockState;
  const found = new Map<string, number>();
  for (const pid of groups) {
    const commandLine = commandLineOf(pid);
    if (commandLine === undefined) continue; // gone
    const victim = VICTIMS.find(([, pattern]) => pattern.test(commandLine));
    if (victim) found.set(victim[0], pid);
  }
  return found;
}

/** Registers as a client would: again while the API is down or answers 503. */
function register(email: string): Promise<unknown> {
  const json = { loginName: `crash_${randomUUID().slice(0, 8)}`, email, password: 'correct horse battery staple' };
  return eventually(
    async () => {
      const res = await request(baseUrl, 'POST', '/api/users/register', { json }).catch(() => undefined);
      if (!res || res.status === 503) return undefined;
      if (res.status >= 300) throw new Error(`register answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res;
    },
    `the registration of ${email}`,
    180_000,
  );
}

/** Activation mails per recipient, read from the files the catcher wrote. */
async function activationMailsByRecipient(): Promise<Map<string, number>> {
  const dir = join(dataDir, 'mail');
  const counts = new Map<string, number>();
  for (const file of existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')) : []) {
    const mail = await simpleParser(readFileSync(join(dir, file)));
    if (!/activate/i.test(mail.subject ?? '')) continue;
    const to = [mail.to ?? []].flat().flatMap((a) => a.value.map((v) => v.address!.toLowerCase()));
    for (const address of to) counts.set(address, (counts.get(address) ?? 0) + 1);
  }
  return counts;
}

test('each server, the worker and the API SIGKILLed in turn: back without a hand, one activation mail per registration; SIGTERM to the group stops all', async () => {
  const emails: string[] = [];
  const newEmail = () => {
    const email = `crash.${randomUUID().slice(0, 8)}@example.test`;
    emails.push(email);
    return email;
  };

  for (const [name] of VICTIMS) {
    await register(newEmail());
    const before = running();
    const pid = before.get(name);
    expect(pid).toBeDefined();
    process.kill(pid!, 'SIGKILL');
    // Registrations while it is down (each retried until the API takes it), then health without a hand.
    const during = [register(newEmail()), register(newEmail())];
    await eventually(async () => {
      const now = running().get(name);
      return now !== undefined && now !== pid;
    }, `${name} to be started again`);
    await healthy();
    await Promise.all(during);
    await register(newEmail());
  }

  const admin = { authorization: 'Bearer dev-admin-token' };
  await eventually(
    async () => {
      const counts = await activationMailsByRecipient();
      return emails.every((e) => (counts.get(e) ?? 0) >= 1);
    },
    'an activation mail for every registration',
    300_000,
  );
  // Nothing still on its way that could send a second copy.
  await eventually(
    async () => {
      const res = await request(baseUrl, 'GET', '/api/messages?status=SENDING&limit=1', { headers: admin });
      return res.status === 200 && res.body.items.length === 0;
    },
    'no message SENDING',
    120_000,
  );
  const counts = await activationMailsByRecipient();
  expect(emails.map((e) => [e, counts.get(e)])).toEqual(emails.map((e) => [e, 1]));
  const log = readFileSync(join(dataDir, 'npm-start.log'), 'utf8');
  for (const [name] of VICTIMS)
    expect(log).toMatch(new RegExp(`${name.split(' ')[0]}.* exited unexpectedly \\(signal SIGKILL\\)`));

  const pids = [...running().values()];
  process.kill(-supervisor.pid!, 'SIGTERM');
  await eventually(async () => supervisor.exitCode !== null, 'npm start to exit', 60_000);
  const alive = pids.filter((pid) => existsSync(`/proc/${pid}`));
  expect(alive).toEqual([]);
  expect(existsSync(join(dataDir, 'stack.lock'))).toBe(false);
});
