import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Runs stack/install.sh: a no-op when everything is already in the user cache. */
export function installStack(): void {
  const result = spawnSync('bash', [join(__dirname, 'install.sh')], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('Installing the local stack failed (see the [install] lines above).');
}
