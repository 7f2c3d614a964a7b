import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export const repoRoot = join(__dirname, '..');

/** Where stack/install.sh puts the servers it installs: per user, outside the clone, shared by every clone. */
export const cacheDir =
  process.env.RELIABLE_SIGNUP_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'reliable-signup');

/** Zipkin's version, as stack/install.sh names its cache directory. */
export const zipkinVersion = '3.6.1';

/** FerretDB's version and build tag, as stack/install.sh names its cache directory. */
export const ferretdbBuild = 'v1.24.2-idpushdown';

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** A venv of stack/install.sh, named as it names it: by the hash of its requirements file. */
function venvDir(prefix: string, requirements: string): string {
  const id = createHash('sha256')
    .update(readFileSync(join(__dirname, requirements)))
    .digest('hex')
    .slice(0, 12);
  return join(cacheDir, `${prefix}-${id}`);
}

/** A binary on PATH wins over the cached one. */
export const binaries = {
  temporal: () => onPath('temporal') ?? join(venvDir('py', 'requirements.txt'), 'bin', 'temporal'),
  temporalTestServer: () =>
    onPath('temporal-test-server') ?? join(venvDir('py', 'requirements.txt'), 'bin', 'temporal-test-server'),
  ferretdb: () => onPath('ferretdb') ?? join(cacheDir, `ferretdb-${ferretdbBuild}`, 'ferretdb'),
  redisServer: () => onPath('redis-server') ?? '/usr/bin/redis-server',
  maildev: () => require.resolve('maildev/bin/maildev'),
  zipkinJar: () => process.env.ZIPKIN_JAR || join(cacheDir, `zipkin-${zipkinVersion}`, 'zipkin-server.jar'),
  /** The Python of schemathesis' venv: run the fuzzer as `<it> -m schemathesis.cli`. */
  schemathesisPython: () => join(venvDir('schemathesis', 'schemathesis-requirements.txt'), 'bin', 'python'),
};
