import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { decode as textDecode, encode as textEncode } from '@temporalio/common/lib/encoding';
import { temporal } from '@temporalio/proto';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM over every payload the client and the worker exchange with Temporal, so that the
 * server's history (and whoever reads it) sees only ciphertext. The first key encrypts; every key
 * decrypts, so a key is rotated by putting the new one first and keeping the old ones.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly currentKeyId: string;
  /** The same for every payload this codec encodes, so encoded once. */
  private readonly encodingBytes = textEncode(ENCODING);
  private readonly currentKeyIdBytes: Uint8Array;

  constructor(private readonly keys: Map<string, Buffer>) {
    const [first] = keys.keys();
    if (!first) throw new Error('the payload codec needs at least one key');
    this.currentKeyId = first;
    this.currentKeyIdBytes = textEncode(first);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.get(this.currentKeyId)!;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: this.encodingBytes, [KEY_ID]: this.currentKeyIdBytes },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || textDecode(encoding) !== ENCODING) return payload;
      const keyIdBytes = payload.metadata?.[KEY_ID];
      const keyId = keyIdBytes ? textDecode(keyIdBytes) : '';
      const key = this.keys.get(keyId);
      if (!key) throw new Error(`no payload key "${keyId}" is configured (PAYLOAD_KEYS)`);
      const data = Buffer.from(payload.data ?? []);
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
