import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Runs stack/install.sh: a no-op when everything is already in the user cache. `extra` asks for the
 * components installed only on demand (`RELIABLE_SIGNUP_ZIPKIN`, `RELIABLE_SIGNUP_BROWSER`); it is
 * handed to the script explicitly, as a test's changes to `process.env` do not reach a child process.
 */
export function installStack(extra: Record<string, string> = {}): void {
  const result = spawnSync('bash', [join(__dirname, 'install.sh')], {
    stdio: 'inherit',
    env: { ...process.env, ...extra },
  });
  if (result.status !== 0) throw new Error('Installing the local stack failed (see the [install] lines above).');
}
