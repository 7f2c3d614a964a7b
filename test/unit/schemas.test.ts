/**
 * The request schemas (api/schemas.ts) hold what docs/api.md promises for input: a login name of 3–32
 * of `[A-Za-z0-9_.-]`, a real e-mail shape, a password of 8–128 characters, a mobile number of 5–20
 * digits, unknown fields refused; login name and e-mail are stored lower-case (domain/users.ts). Also
 * the operator queries and the codec body.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { z } from 'zod';
import { openApiDocument } from '../../api/openapi';
import {
  codecBody,
  messagesQuery,
  registerBody,
  resendActivationBody,
  resendDeadQuery,
  tokenParams,
  userByEmailQuery,
} from '../../api/schemas';
import { normaliseEmail, normaliseLoginName } from '../../domain/users';

const valid = { loginName: 'alice', email: 'alice@example.com', password: 'correct horse' };

/** Addresses at the limits that `format: email` adds to a pattern: RFC 5321's lengths, RFC 1034's labels. */
const edgeAddresses = {
  accepted: [
    ['64 characters before the @', `${'a'.repeat(64)}@example.com`],
    ['a domain label of 63 characters', `alice@${'d'.repeat(63)}.com`],
    ['hyphens inside a label', 'alice@a-b--c.example.com'],
    ['an apostrophe before the end', "o'neil@example.com"],
  ],
  refused: [
    ['65 characters before the @', `${'a'.repeat(65)}@example.com`],
    ['a domain label of 64 characters', `alice@${'d'.repeat(64)}.com`],
    ['a label ending with a hyphen', 'alice@example-.com'],
    ['a label starting with a hyphen', 'alice@-example.com'],
    ['"--" in the 3rd and 4th place of a label', 'alice@ab--cd.com'],
    ['an "xn--" label (punycode is refused)', 'alice@xn--mnchen-3ya.de'],
    ['a top-level domain of 64 letters', `alice@example.${'c'.repeat(64)}`],
    ['an apostrophe at the end of the local part', "alice'@example.com"],
    ['two dots in a row', 'alice..b@example.com'],
  ],
};

/** The paths and messages of the issues `schema` finds in `value`, or [] when it accepts it. */
function problems(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}
const accepts = (schema: z.ZodType, value: unknown) => expect(problems(schema, value)).toEqual([]);
/** Refused, with an issue on `field` ('' for the object itself). */
const refuses = (schema: z.ZodType, value: unknown, field: string) =>
  expect(problems(schema, value)).toContainEqual(expect.stringMatching(new RegExp(`^${field}: `)));

describe('registration body', () => {
  it('accepts a registration, with or without a mobile number, and keeps what it was given', () => {
    expect(registerBody.parse(valid)).toEqual(valid);
    expect(registerBody.parse({ ...valid, mobileNo: '4915112345678' })).toEqual({
      ...valid,
      mobileNo: '4915112345678',
    });
  });

  describe('loginName', () => {
    it.each(['abc', 'a'.repeat(32), 'Alice_B.1-x', 'ALICE', '0123'])('accepts %j', (loginName) => {
      accepts(registerBody, { ...valid, loginName });
    });

    it.each(['ab', 'a'.repeat(33), 'al ice', 'alice!', 'al@ice', 'alice\n', 'Ålice', 'ali/ce', ''])(
      'refuses %j',
      (loginName) => refuses(registerBody, { ...valid, loginName }, 'loginName'),
    );

    it('explains which characters are allowed', () => {
      expect(problems(registerBody, { ...valid, loginName: 'al ice' })).toEqual([
        'loginName: may contain only letters, digits, "_", "." and "-"',
      ]);
    });

    it('is case-insensitive: any case is accepted and stored lower-case', () => {
      const { loginName } = registerBody.parse({ ...valid, loginName: 'Alice.Smith' });
      expect(normaliseLoginName(loginName)).toBe('alice.smith');
      expect(normaliseLoginName('ALICE.SMITH')).toBe(normaliseLoginName('alice.smith'));
    });
  });

  describe('email', () => {
    it.each(['alice@example.com', 'alice.b+tag@mail.example.co.uk', 'ALICE@EXAMPLE.COM', 'a_b-c@ex-ample.io'])(
      'accepts %j',
      (email) => accepts(registerBody, { ...valid, email }),
    );

    it.each([
      'alice',
      'alice@',
      '@example.com',
      'alice@localhost',
      'alice@example',
      'al ice@example.com',
      'alice..b@example.com',
      '.alice@example.com',
      'alice@example.com.',
      ' alice@example.com',
      'alice@example.com ',
      '',
    ])('refuses %j', (email) => refuses(registerBody, { ...valid, email }, 'email'));

    it('refuses an address longer than 254 characters', () => {
      const domain = `${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(60)}.${'g'.repeat(60)}.com`;
      const longest = `${'a'.repeat(254 - domain.length - 1)}@${domain}`;
      expect(longest).toHaveLength(254);
      accepts(registerBody, { ...valid, email: longest });
      refuses(registerBody, { ...valid, email: `a${longest}` }, 'email');
    });

    it.each(edgeAddresses.accepted)('accepts %s', (_case, email) => accepts(registerBody, { ...valid, email }));

    it.each(edgeAddresses.refused)('refuses %s', (_case, email) => refuses(registerBody, { ...valid, email }, 'email'));

    it('takes exactly the addresses that its schema in openapi.json calls valid', () => {
      const documented = openApiDocument() as {
        paths: Record<string, { post: { requestBody: { content: { 'application/json': { schema: object } } } } }>;
      };
      const schema =
        documented.paths['/api/users/activation/resend'].post.requestBody.content['application/json'].schema;
      const documentSays = addFormats(new Ajv2020({ strict: false })).compile(schema);
      for (const [, email] of [...edgeAddresses.accepted, ...edgeAddresses.refused, ['long', `${'a'.repeat(64)}@x.io`]])
        expect({ email, documentSays: documentSays({ email }) }).toEqual({
          email,
          documentSays: resendActivationBody.safeParse({ email }).success,
        });
    });

    it('is stored lower-case, so one address is one registration whatever its case', () => {
      const { email } = registerBody.parse({ ...valid, email: 'Alice@Example.COM' });
      expect(normaliseEmail(email)).toBe('alice@example.com');
    });
  });

  describe('password', () => {
    it.each([
      ['8 characters', 'x'.repeat(8)],
      ['128 characters', 'x'.repeat(128)],
      ['spaces and symbols', 'p@ss w0rd!'],
      ['8 characters outside the BMP', '😀'.repeat(8)],
      ['128 characters outside the BMP', '😀'.repeat(128)],
    ])('accepts %s', (_case, password) => accepts(registerBody, { ...valid, password }));

    it.each([
      ['7 characters', 'x'.repeat(7)],
      ['129 characters', 'x'.repeat(129)],
      ['4 characters in 8 UTF-16 units', '😀'.repeat(4)],
      ['129 characters outside the BMP', '😀'.repeat(129)],
      ['empty', ''],
    ])('refuses %s', (_case, password) => refuses(registerBody, { ...valid, password }, 'password'));

    it('is not echoed in the validation message', () => {
      const tooShort = 'secret7';
      expect(problems(registerBody, { ...valid, password: tooShort }).join(' ')).not.toContain(tooShort);
    });
  });

  describe('mobileNo', () => {
    it.each(['12345', '1'.repeat(20), '004915112345678'])('accepts %j', (mobileNo) =>
      accepts(registerBody, { ...valid, mobileNo }),
    );

    it.each(['1234', '1'.repeat(21), '+4915112345678', '0151 1234567', '0151-1234567', '١٢٣٤٥', ''])(
      'refuses %j',
      (mobileNo) => refuses(registerBody, { ...valid, mobileNo }, 'mobileNo'),
    );

    it('must be a string of digits, not a number or null', () => {
      refuses(registerBody, { ...valid, mobileNo: 12345 }, 'mobileNo');
      refuses(registerBody, { ...valid, mobileNo: null }, 'mobileNo');
    });
  });

  it('refuses unknown fields, naming them', () => {
    expect(problems(registerBody, { ...valid, role: 'admin' })).toEqual(['' + ': Unrecognized key: "role"']);
    refuses(registerBody, { ...valid, status: 'ENABLED' }, '');
  });

  it('refuses a prototype key smuggled in through JSON', () => {
    refuses(
      registerBody,
      JSON.parse(`{"loginName":"alice","email":"a@example.com","password":"xxxxxxxx","__proto__":{"x":1}}`),
      '',
    );
  });

  it.each(['loginName', 'email', 'password'])('requires %s', (field) => {
    const body: Record<string, unknown> = { ...valid };
    delete body[field];
    refuses(registerBody, body, field);
  });

  it.each([
    ['a string', 'alice'],
    ['an array', [valid]],
    ['null', null],
  ])('refuses %s as the body', (_case, body) => refuses(registerBody, body, ''));

  it.each(['loginName', 'email', 'password'])('refuses a %s that is not a string', (field) =>
    refuses(registerBody, { ...valid, [field]: 12345678 }, field),
  );

  it('lists every problem of a body at once', () => {
    const found = problems(registerBody, { loginName: 'a', email: 'nope', password: 'short', extra: true });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual(['', 'email', 'loginName', 'password']);
  });
});

describe('activation resend body', () => {
  it('takes an e-mail address and nothing else', () => {
    accepts(resendActivationBody, { email: 'alice@example.com' });
    refuses(resendActivationBody, { email: 'alice' }, 'email');
    refuses(resendActivationBody, {}, 'email');
    refuses(resendActivationBody, { email: 'alice@example.com', loginName: 'alice' }, '');
  });
});

describe('activation link token', () => {
  it('is any text: what is not an issued token is answered 410 (a page for a link cut short), not 400', () => {
    for (const token of ['x', 'x'.repeat(42), 'x'.repeat(300), '%']) accepts(tokenParams, { token });
  });
});

describe('operator queries', () => {
  it('messages: status from the message states, limit 1–200 read from the query string, 50 by default', () => {
    expect(messagesQuery.parse({})).toEqual({ limit: 50 });
    expect(messagesQuery.parse({ status: 'DEAD', topic: 'SEND_EMAIL_TOPIC', limit: '200' })).toEqual({
      status: 'DEAD',
      topic: 'SEND_EMAIL_TOPIC',
      limit: 200,
    });
    refuses(messagesQuery, { status: 'LOST' }, 'status');
    refuses(messagesQuery, { status: 'dead' }, 'status');
    for (const limit of ['0', '201', '1.5', 'ten', '']) refuses(messagesQuery, { limit }, 'limit');
    refuses(messagesQuery, { sort: 'asc' }, '');
  });

  it('messages: a cursor is <ms since the epoch>.<base64url of a message key>, as the API returns it', () => {
    accepts(messagesQuery, { cursor: `1795397135286.${Buffer.from('msg-1').toString('base64url')}` });
    for (const cursor of ['a|b', Buffer.from('2026-11-23T01:25:35.286Z|msg-1').toString('base64url'), '12.a', '.ab'])
      expect(problems(messagesQuery, { cursor })).toEqual(['cursor: is not a cursor this API returned']);
    refuses(messagesQuery, { cursor: `1.${'a'.repeat(173)}` }, 'cursor');
  });

  it('users by e-mail: an e-mail address, and nothing else', () => {
    accepts(userByEmailQuery, { email: 'alice@example.com' });
    refuses(userByEmailQuery, {}, 'email');
    refuses(userByEmailQuery, { email: 'alice' }, 'email');
    refuses(userByEmailQuery, { email: 'alice@example.com', status: 'ENABLED' }, '');
  });

  it('resend-dead: limit 1–1000, 100 by default, filters optional, nothing else', () => {
    expect(resendDeadQuery.parse({})).toEqual({ limit: 100 });
    expect(resendDeadQuery.parse({ topic: 'SEND_EMAIL_TOPIC', consumerGroup: 'CID_OPC', limit: '1000' })).toEqual({
      topic: 'SEND_EMAIL_TOPIC',
      consumerGroup: 'CID_OPC',
      limit: 1000,
    });
    refuses(resendDeadQuery, { limit: '1001' }, 'limit');
    refuses(resendDeadQuery, { consumerGroup: '' }, 'consumerGroup');
    refuses(resendDeadQuery, { status: 'DEAD' }, '');
  });
});

describe('codec body', () => {
  it('takes payloads whose metadata and data are base64', () => {
    const payload = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: 'e30=' };
    accepts(codecBody, { payloads: [payload, {}] });
    refuses(codecBody, { payloads: [{ data: 'not base64!' }] }, 'payloads.0.data');
    refuses(codecBody, { payloads: [{ metadata: { encoding: 'json-plain' } }] }, 'payloads.0.metadata.encoding');
  });

  it('takes at most 1000 payloads', () => {
    accepts(codecBody, { payloads: Array.from({ length: 1000 }, () => ({})) });
    refuses(codecBody, { payloads: Array.from({ length: 1001 }, () => ({})) }, 'payloads');
  });
});
