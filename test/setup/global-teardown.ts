import { rmSync } from 'node:fs';
import type { Stack } from '../../stack/supervisor';

export default async function globalTeardown(): Promise<void> {
  const stack = (globalThis as { __stack?: Stack }).__stack;
  await stack?.stop();
  if (process.env.TEST_DATA_DIR) rmSync(process.env.TEST_DATA_DIR, { recursive: true, force: true });
}
