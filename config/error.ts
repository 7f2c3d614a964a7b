/** A configuration that must not be used; its message names every setting at fault. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
