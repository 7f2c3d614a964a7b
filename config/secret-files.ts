import { readFileSync } from 'node:fs';
import { ConfigError } from './error';

/**
 * `NAME_FILE=/run/secrets/name` stands for `NAME` with the file's content, as Docker and Kubernetes mount
 * secrets; one trailing newline is dropped. Giving both `NAME` and `NAME_FILE` is refused.
 */
export function withSecretFiles(env: NodeJS.ProcessEnv, settings: readonly string[]): NodeJS.ProcessEnv {
  const resolved: NodeJS.ProcessEnv = { ...env };
  for (const name of settings) {
    const variable = `${name}_FILE`;
    const path = env[variable];
    if (!path) continue;
    if (env[name] !== undefined) {
      throw new ConfigError(`Invalid configuration: both ${name} and ${variable} are set; set one of them`);
    }
    try {
      resolved[name] = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new ConfigError(
        `Invalid configuration: ${variable}: cannot read ${path} (${(err as NodeJS.ErrnoException).code})`,
      );
    }
  }
  return resolved;
}
