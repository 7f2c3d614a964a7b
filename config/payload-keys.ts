import { ConfigError } from './error';

/** `PAYLOAD_KEYS`: `id:base64key[,id:base64key…]`, each key 32 bytes, the first one current. */
export function parsePayloadKeys(spec: string): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const entry of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [id, material] = entry.split(':');
    const key = Buffer.from(material ?? '', 'base64');
    if (!id || key.length !== 32)
      throw new ConfigError(`Invalid configuration: PAYLOAD_KEYS entry "${id ?? ''}" must be id:<32 bytes in base64>`);
    keys.set(id, key);
  }
  if (keys.size === 0) throw new ConfigError('Invalid configuration: PAYLOAD_KEYS needs at least one key');
  return keys;
}
