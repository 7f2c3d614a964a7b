/**
 * The product as it ships: `npm run build`, `npm pack`, the tarball installed with production
 * dependencies only and no install scripts (as the Dockerfile installs it), then the built worker and
 * API started with NODE_ENV=production against the real stack, taking one registration through its
 * activation mail, the click and the success mail. And production refusing the development defaults.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { builtAppProcess } from '../../stack/apps';
import { repoRoot } from '../../stack/paths';
import { startApp, type RunningApp } from '../setup/app';
import { waitForMail } from '../setup/mailbox';
import { activate, activationLink, signupClient } from '../setup/signup';

let installed: string;
let app: RunningApp | undefined;

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_ENV: undefined } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

const secret = () => randomBytes(32).toString('base64url');

/** Everything production requires, none of it a development default; the servers are the test stack's. */
function productionEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'production',
    MAIL_FROM: 'Reliable Signup <no-reply@example.test>',
    ADMIN_TOKEN: secret(),
    CODEC_TOKEN: secret(),
    ACTIVATION_TOKEN_SECRET: secret(),
    ACTIVATION_CODE_KEY: secret(),
    PAYLOAD_KEYS: `prod1:${randomBytes(32).toString('base64')}`,
    CODEC_CORS_ORIGINS: 'https://temporal-ui.example.test',
  };
  return env;
}

beforeAll(async () => {
  const dir = mkdtempSync(join(process.env.TEST_DATA_DIR!, 'artifact-'));
  run('npm', ['run', 'build'], repoRoot);
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir], repoRoot)) as {
    filename: string;
  }[];
  run('tar', ['-xzf', join(dir, packed.filename), '-C', dir], dir);
  installed = join(dir, 'package');
  copyFileSync(join(repoRoot, 'package-lock.json'), join(installed, 'package-lock.json'));
  // The locked versions, production dependencies only, no install scripts, as the image installs them
  // (with `npm install`: the npm 11 of some machines refuses, in `npm ci`, a lock file without other
  // platforms' optional binaries, which not every registry mirror serves).
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], installed);
}, 600_000);
afterAll(async () => {
  await app?.stop();
});

test('the package holds the build and installs without dev tools', () => {
  expect(existsSync(join(installed, 'dist', 'workflow-bundle.js'))).toBe(true);
  expect(existsSync(join(installed, 'dist', 'workers', 'worker.js.map'))).toBe(true);
  const modules = readdirSync(join(installed, 'node_modules'));
  for (const devTool of ['typescript', 'tsx', 'esbuild', 'jest', 'eslint', 'prettier', 'maildev']) {
    expect(modules).not.toContain(devTool);
  }
  expect(readdirSync(installed)).not.toEqual(expect.arrayContaining(['test', 'stack', 'bench']));
});

/** Runs a step; when it fails, the error carries the built processes' last log lines. */
async function step<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const logs = app ? `\n--- API ---\n${app.api.logTail(30)}\n--- worker ---\n${app.worker.logTail(30)}` : '';
    throw new Error(`${what}: ${(err as Error).message}${logs}`, { cause: err });
  }
}

test('the built worker and API in production mode take a registration through activation', async () => {
  const env = productionEnv();
  // The built worker must load the bundle it ships with, not the one of the test run.
  app = await startApp({ ...env, WORKFLOW_BUNDLE_PATH: '' }, { builtIn: installed });
  const client = signupClient(app.baseUrl, env.ADMIN_TOKEN!);
  const user = client.newUser();

  const userId = await step('register', () => client.register(user));
  const [mail] = await step('activation mail', () => waitForMail(user.email, 1, { timeoutMs: 60_000 }));
  const link = activationLink(mail.text!);
  expect(link).toBeDefined();
  const activated = await activate(link!);
  expect(activated.body).toEqual({ userId, status: 'ENABLED' });
  const mails = await step('success mail', () => waitForMail(user.email, 2, { timeoutMs: 60_000 }));
  expect(mails.map((m) => m.subject).sort()).toEqual(['Activate your account', 'Your account is active']);
  const success = await step('success message', () => client.messageWith(userId, 'ACTIVE_USER_SUCCESS', 'FINISHED'));
  expect(success.confirms.map((c: { status: string }) => c.status)).toEqual(['CONSUMED', 'CONSUMED']);
}, 300_000);

test.each(['worker', 'api'] as const)(
  'the built %s refuses to start in production with the development payload key, naming it',
  async (role) => {
    const proc = builtAppProcess(
      installed,
      role,
      {
        ...process.env,
        ...productionEnv(),
        LOG_LEVEL: 'info',
        PAYLOAD_KEYS: undefined,
        PUBLIC_BASE_URL: 'https://signup.example.test',
      },
      join(process.env.TEST_DATA_DIR!, 'logs', `refused-${role}.log`),
    );
    proc.start();
    expect(await proc.exited()).toBe(1);
    expect(proc.logTail()).toContain('PAYLOAD_KEYS is not set');
  },
);
