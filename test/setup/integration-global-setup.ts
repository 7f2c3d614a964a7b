/**
 * The integration layer: the real stack, once per `npm test` — Temporal dev server, FerretDB, Redis and
 * maildev, on free ports and in a throw-away data directory, so it never collides with a running
 * `npm start`. Servers the environment already gives (TEMPORAL_ADDRESS, MONGODB_URI, …) are used as they are.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installStack } from '../../stack/install';
import { binaries } from '../../stack/paths';
import { freePort } from '../../stack/ports';
import { startStack } from '../../stack/supervisor';
import { ensureWorkflowBundle } from './workflow-bundle';

export default async function integrationGlobalSetup(): Promise<void> {
  installStack();
  // One stack for the layers that use it (integration, browser) when one run selects both.
  if ((globalThis as { __stack?: unknown }).__stack) return;
  const dataDir = mkdtempSync(join(tmpdir(), 'reliable-signup-test-'));
  const ports = {
    temporal: await freePort(),
    temporalUi: await freePort(),
    mongodb: await freePort(),
    redis: await freePort(),
    smtp: await freePort(),
    smtpWeb: await freePort(),
  };
  const stack = await startStack({ dataDir, ports });
  ensureWorkflowBundle();
  Object.assign(process.env, stack.env, {
    TEMPORAL_TEST_SERVER_PATH: process.env.TEMPORAL_TEST_SERVER_PATH ?? binaries.temporalTestServer(),
    TEST_DATA_DIR: dataDir,
    // The stack's Web UI (when it started Temporal itself), by the API's host name: the same site as the API.
    TEST_TEMPORAL_UI_URL: stack.urls['Temporal Web UI']?.replace('localhost', '127.0.0.1') ?? '',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  });
  (globalThis as { __stack?: unknown }).__stack = stack;
}
