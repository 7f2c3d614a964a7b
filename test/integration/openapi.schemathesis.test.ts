/**
 * The API against its own document, by schemathesis (docs/api-contract.md): every check in every phase
 * (examples, coverage, fuzzing, stateful) over /api/openapi.json, a bounded number of cases from a fixed
 * seed. Any failure fails the test with schemathesis' report of it.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { binaries } from '../../stack/paths';
import { startApp, type RunningApp } from '../setup/app';

const ADMIN_TOKEN = 'schemathesis-admin';
const CODEC_TOKEN = 'schemathesis-codec';
/** Cases per operation and phase: enough to find the disagreements of issue 26, within a minute or two. */
const MAX_EXAMPLES = 10;
const SEED = 26;

let app: RunningApp;

beforeAll(async () => {
  app = await startApp({ ADMIN_TOKEN, CODEC_TOKEN, ACTIVATION_RESENDS_PER_HOUR: '100000' });
});
afterAll(async () => {
  await app?.stop();
});

function schemathesis(args: string[], env: NodeJS.ProcessEnv): Promise<{ exitCode: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      binaries.schemathesisPython(),
      ['-m', 'schemathesis.cli', ...args],
      // In the run's throw-away directory: hypothesis keeps a .hypothesis/ folder in its working directory.
      { cwd: process.env.TEST_DATA_DIR, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        // A Python that could not start (ENOENT: stack/install.sh did not install it) says so here.
        const failure = error && typeof error.code !== 'number' ? error.message : '';
        resolve({ exitCode, output: `${stdout}${stderr}${failure}` });
      },
    );
  });
}

test('schemathesis finds no disagreement between the API and /api/openapi.json', async () => {
  const { exitCode, output } = await schemathesis(
    [
      '--config-file',
      join(__dirname, 'schemathesis.toml'),
      'run',
      `${app.baseUrl}/api/openapi.json`,
      '--checks',
      'all',
      '--phases',
      'examples,coverage,fuzzing,stateful',
      '--max-examples',
      String(MAX_EXAMPLES),
      '--seed',
      String(SEED),
      // One: hypothesis' caches are not thread-safe, and two workers (threads) now and then break a draw.
      '--workers',
      '1',
      '--no-color',
    ],
    { ST_ADMIN_TOKEN: ADMIN_TOKEN, ST_CODEC_TOKEN: CODEC_TOKEN },
  );
  // Every documented operation was tested, not skipped for want of a schema it could read.
  const doc = (await (await fetch(`${app.baseUrl}/api/openapi.json`)).json()) as { paths: Record<string, object> };
  const operations = Object.values(doc.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
  expect(output).toContain(`${operations} selected / ${operations} total`);
  expect(exitCode === 0 ? 'no failures' : output).toBe('no failures');
}, 300_000);
