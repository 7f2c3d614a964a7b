/**
 * The data converter the client and the worker share (infra/temporal.ts): failure messages and stack
 * traces are encrypted like every payload, so an SMTP error that quotes an address never reaches the
 * history in clear, and the histories recorded for the replay test decode with the default development
 * key, holding the password's argon2id hash and never the password.
 */
import type { ProtoFailure } from '@temporalio/common';
import {
  decodeArrayFromPayloads,
  decodeFailure,
  encodeErrorToFailure,
  loadDataConverter,
} from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config';
import { dataConverter } from '../../infra/temporal';
import { payloadFromJson, type JsonPayload } from '../../infra/payload-json';

const converter = loadDataConverter(dataConverter(loadConfig({})));
const histories = join(__dirname, '..', 'fixtures', 'histories');

const history = (name: string) => JSON.parse(readFileSync(join(histories, `${name}.json`), 'utf8')).events as any[];

describe('failures', () => {
  const smtpError = () => {
    const err = new Error('550 5.1.1 <alice@example.com>: Recipient address rejected');
    err.stack = `Error: ${err.message}\n    at deliver (activities/consumers/mail.ts:33:5)`;
    return err;
  };

  it('reach Temporal with their message and stack trace encrypted', async () => {
    const failure = await encodeErrorToFailure(converter, smtpError());
    expect(failure.message).not.toContain('alice@example.com');
    expect(failure.stackTrace ?? '').not.toContain('alice@example.com');
    const onTheWire = Buffer.from(temporal.api.failure.v1.Failure.encode(failure).finish());
    expect(onTheWire.includes('alice@example.com')).toBe(false);
    expect(onTheWire.includes('Recipient address rejected')).toBe(false);
    expect(onTheWire.includes('mail.ts')).toBe(false);
  });

  it('read back through the codec with their message and stack trace', async () => {
    const failure = await encodeErrorToFailure(converter, smtpError());
    const decoded = await decodeFailure(converter.payloadCodecs, failure);
    const error = converter.failureConverter.failureToError(decoded, converter.payloadConverter);
    expect(error.message).toBe('550 5.1.1 <alice@example.com>: Recipient address rejected');
    expect(error.stack).toContain('activities/consumers/mail.ts');
  });
});

describe('recorded histories (test/fixtures/histories)', () => {
  it('encrypt the registration input under "dev"; decoded, it has the password hash, never the password', async () => {
    const [started] = history('activated-after-resend');
    const stored = started.workflowExecutionStartedEventAttributes.input.payloads as JsonPayload[];
    expect(Buffer.from(stored[0].metadata!.encoding, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(stored[0].metadata!['encryption-key-id'], 'base64').toString()).toBe('dev');
    expect(Buffer.from(stored[0].data!, 'base64').includes('@')).toBe(false);

    const [input] = (await decodeArrayFromPayloads(converter, stored.map(payloadFromJson))) as Record<
      string,
      unknown
    >[];
    expect(input).toEqual(
      expect.objectContaining({
        email: expect.stringContaining('@'),
        loginName: expect.any(String),
        passwordHash: expect.stringMatching(/^\$argon2id\$/),
        tokenSalt: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      }),
    );
    expect(input).not.toHaveProperty('password');
  });

  it('show a refused registration only as "Encoded failure"; its reason decodes with the key', async () => {
    const events = history('rejected-login-name-taken');
    const completed = events.find((e) => e.workflowExecutionUpdateCompletedEventAttributes?.outcome?.failure);
    const stored = completed.workflowExecutionUpdateCompletedEventAttributes.outcome.failure;
    expect(stored.message).toBe('Encoded failure');
    const failure: ProtoFailure = { ...stored, encodedAttributes: payloadFromJson(stored.encodedAttributes) };
    const decoded = await decodeFailure(converter.payloadCodecs, failure);
    const error = converter.failureConverter.failureToError(decoded, converter.payloadConverter);
    expect(error.message).toBe('This login name is already taken.');
  });
});
