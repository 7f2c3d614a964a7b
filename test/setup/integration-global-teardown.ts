import { rmSync } from 'node:fs';
import type { Stack } from '../../stack/supervisor';
import { removeWorkflowBundle } from './workflow-bundle';

export default async function integrationGlobalTeardown(): Promise<void> {
  const stack = (globalThis as { __stack?: Stack }).__stack;
  await stack?.stop();
  if (process.env.TEST_DATA_DIR) rmSync(process.env.TEST_DATA_DIR, { recursive: true, force: true });
  removeWorkflowBundle();
}
