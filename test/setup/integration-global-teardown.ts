import { rmSync } from 'node:fs';
import type { Stack } from '../../stack/supervisor';
import { removeWorkflowBundle } from './workflow-bundle';

export default async function integrationGlobalTeardown(): Promise<void> {
  const global = globalThis as { __stack?: Stack };
  const stack = global.__stack;
  if (!stack) return; // stopped by the other layer's teardown
  delete global.__stack;
  await stack.stop();
  if (process.env.TEST_DATA_DIR) rmSync(process.env.TEST_DATA_DIR, { recursive: true, force: true });
  removeWorkflowBundle();
}
