import { ConfigError } from './error';

/**
 * `PAYLOAD_KEYS`: `id:base64key[,id:base64key…]`, each key 32 bytes, the first one current. Errors name an
 * entry by its position, never by its text, which may be key material.
 */
export function parsePayloadKeys(spec: string): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  const entries = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  entries.forEach((entry, i) => {
    const [id, material] = entry.split(':');
    const key = Buffer.from(material ?? '', 'base64');
    if (!id || !/^[A-Za-z0-9_.-]{1,32}$/.test(id) || key.length !== 32)
      throw new ConfigError(
        `Invalid configuration: PAYLOAD_KEYS entry ${i + 1} must be id:<32 bytes in base64> (id: 1–32 of A-Z a-z 0-9 _ . -)`,
      );
    if (keys.has(id)) throw new ConfigError(`Invalid configuration: PAYLOAD_KEYS has the key id "${id}" twice`);
    keys.set(id, key);
  });
  if (keys.size === 0) throw new ConfigError('Invalid configuration: PAYLOAD_KEYS needs at least one key');
  return keys;
}
