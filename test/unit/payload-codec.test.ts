/**
 * The payload codec (infra/payload-codec.ts): AES-256-GCM over every payload, named by key id. What it
 * encodes decodes to the same payload, the ciphertext shows nothing of the plaintext, a payload written
 * under an old key still decodes after a rotation, an unknown key or altered bytes fail, and payloads it
 * did not encrypt pass through.
 */
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { decode as textDecode, encode as textEncode } from '@temporalio/common/lib/encoding';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../config';
import { AesGcmPayloadCodec } from '../../infra/payload-codec';

const SECRET = 'correct horse battery staple';
const input = { loginName: 'alice', email: 'alice@example.com', password: SECRET };

const codecWith = (...ids: string[]) => new AesGcmPayloadCodec(new Map(ids.map((id) => [id, randomBytes(32)])));
const payloadOf = (value: unknown) => defaultPayloadConverter.toPayload(value);
const valueOf = (payload: Payload) => defaultPayloadConverter.fromPayload(payload);
const meta = (payload: Payload, name: string) => {
  const bytes = payload.metadata?.[name];
  return bytes ? textDecode(bytes) : undefined;
};

async function encodeOne(codec: AesGcmPayloadCodec, payload: Payload): Promise<Payload> {
  const [encoded] = await codec.encode([payload]);
  return encoded;
}

/** The same encrypted payload with one byte of its data changed. */
function withByteFlipped(payload: Payload, index: number): Payload {
  const data = Buffer.from(payload.data!);
  const at = index < 0 ? data.length + index : index;
  data[at] ^= 0x01;
  return { ...payload, data };
}

describe('round trip', () => {
  it('decodes to the payload that was encoded, metadata included', async () => {
    const codec = codecWith('k1');
    const original = payloadOf(input);
    const [decoded] = await codec.decode([await encodeOne(codec, original)]);
    expect(meta(decoded, METADATA_ENCODING_KEY)).toBe('json/plain');
    expect(Buffer.from(decoded.data!)).toEqual(Buffer.from(original.data!));
    expect(valueOf(decoded)).toEqual(input);
  });

  it('keeps the order of a batch', async () => {
    const codec = codecWith('k1');
    const values = ['first', { second: 2 }, [3], null];
    const decoded = await codec.decode(await codec.encode(values.map(payloadOf)));
    expect(decoded.map(valueOf)).toEqual(values);
  });

  it('an empty batch stays empty', async () => {
    const codec = codecWith('k1');
    await expect(codec.encode([])).resolves.toEqual([]);
    await expect(codec.decode([])).resolves.toEqual([]);
  });
});

describe('what Temporal stores', () => {
  it('is ciphertext: neither the password nor the address nor the JSON shape shows', async () => {
    const encoded = await encodeOne(codecWith('k1'), payloadOf(input));
    const stored = Buffer.from(encoded.data!);
    for (const clear of [SECRET, 'alice@example.com', 'alice', 'password', 'json/plain']) {
      expect(stored.includes(clear)).toBe(false);
    }
  });

  it('names only its encoding and the key id in the metadata', async () => {
    const encoded = await encodeOne(codecWith('2026-11'), payloadOf(input));
    expect(Object.keys(encoded.metadata ?? {}).sort()).toEqual([METADATA_ENCODING_KEY, 'encryption-key-id'].sort());
    expect(meta(encoded, METADATA_ENCODING_KEY)).toBe('binary/encrypted');
    expect(meta(encoded, 'encryption-key-id')).toBe('2026-11');
  });

  it('differs each time the same payload is encoded (a fresh IV each time)', async () => {
    const codec = codecWith('k1');
    const payload = payloadOf(input);
    const [a, b] = await codec.encode([payload, payload]);
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
    expect((await codec.decode([a, b])).map(valueOf)).toEqual([input, input]);
  });
});

describe('key rotation', () => {
  it('a payload under the old key decodes once a new key is put first; new payloads use the new key', async () => {
    const oldKey = randomBytes(32).toString('base64');
    const newKey = randomBytes(32).toString('base64');
    const before = new AesGcmPayloadCodec(loadConfig({ PAYLOAD_KEYS: `old:${oldKey}` }).payloadKeys);
    const after = new AesGcmPayloadCodec(loadConfig({ PAYLOAD_KEYS: `new:${newKey},old:${oldKey}` }).payloadKeys);

    const written = await encodeOne(before, payloadOf(input));
    expect(valueOf((await after.decode([written]))[0])).toEqual(input);

    const rewritten = await encodeOne(after, payloadOf(input));
    expect(meta(rewritten, 'encryption-key-id')).toBe('new');
    expect(valueOf((await after.decode([rewritten]))[0])).toEqual(input);
  });

  it('a payload under a key id that is no longer configured fails, naming the id', async () => {
    const written = await encodeOne(codecWith('retired'), payloadOf(input));
    await expect(codecWith('current').decode([written])).rejects.toThrow('no payload key "retired" is configured');
  });

  it('a payload whose key id is missing fails', async () => {
    const written = await encodeOne(codecWith('k1'), payloadOf(input));
    const { [METADATA_ENCODING_KEY]: encoding } = written.metadata!;
    await expect(
      codecWith('k1').decode([{ metadata: { [METADATA_ENCODING_KEY]: encoding }, data: written.data }]),
    ).rejects.toThrow('no payload key "" is configured');
  });

  it('a different key under the same id does not decode the payload', async () => {
    const written = await encodeOne(codecWith('k1'), payloadOf(input));
    await expect(codecWith('k1').decode([written])).rejects.toThrow();
  });

  it('a codec without any key cannot be made', () => {
    expect(() => new AesGcmPayloadCodec(new Map())).toThrow('at least one key');
  });
});

describe('tampering (GCM authentication)', () => {
  const IV_BYTES = 12;
  const TAG_BYTES = 16;

  it.each([
    ['the IV', 0],
    ['the first byte of the ciphertext', IV_BYTES],
    ['the last byte of the ciphertext', -TAG_BYTES - 1],
    ['the authentication tag', -1],
  ])('a change to %s fails the decode', async (_where, index) => {
    const codec = codecWith('k1');
    const written = await encodeOne(codec, payloadOf(input));
    await expect(codec.decode([written])).resolves.toHaveLength(1);
    await expect(codec.decode([withByteFlipped(written, index)])).rejects.toThrow();
  });

  it('a truncated payload fails the decode', async () => {
    const codec = codecWith('k1');
    const written = await encodeOne(codec, payloadOf(input));
    const data = Buffer.from(written.data!);
    await expect(codec.decode([{ ...written, data: data.subarray(0, data.length - 1) }])).rejects.toThrow();
  });

  it('a payload moved under another configured key id fails the decode', async () => {
    const codec = codecWith('a', 'b');
    const written = await encodeOne(codec, payloadOf(input));
    const moved = { ...written, metadata: { ...written.metadata, 'encryption-key-id': textEncode('b') } };
    await expect(codec.decode([moved])).rejects.toThrow();
  });
});

describe('payloads the codec did not encrypt', () => {
  it('pass through unchanged: plain JSON, binary, and a payload without metadata', async () => {
    const codec = codecWith('k1');
    const plain = payloadOf(input);
    const binary = payloadOf(new Uint8Array([1, 2, 3]));
    const bare: Payload = { data: textEncode('raw') };
    const decoded = await codec.decode([plain, binary, bare]);
    expect(decoded[0]).toBe(plain);
    expect(decoded[1]).toBe(binary);
    expect(decoded[2]).toBe(bare);
  });

  it('may be mixed with encrypted ones in one batch', async () => {
    const codec = codecWith('k1');
    const plain = payloadOf('left as it was');
    const decoded = await codec.decode([plain, await encodeOne(codec, payloadOf(input))]);
    expect(decoded.map(valueOf)).toEqual(['left as it was', input]);
  });
});
