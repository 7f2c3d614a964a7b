/**
 * The logger (infra/logger.ts), with its own configuration, writing into a captured stream instead of
 * stdout: passwords, password hashes, tokens, salts and keys are redacted, a request shows neither its
 * Authorization header nor the token of an activation or codec URL, and e-mail addresses are masked in
 * messages, fields and errors.
 */
import { logger, maskEmails, redactUrl } from '../../infra/logger';

const mockLines: string[] = [];

// The product's pino options, unchanged; only the destination is a stream the test reads.
jest.mock('pino', () => {
  const actual = jest.requireActual('pino');
  const withCapture = (options: object) =>
    actual(options, {
      write: (line: string) => {
        mockLines.push(line);
      },
    });
  return Object.assign(withCapture, actual, { default: withCapture });
});

const TOKEN = 'jwLZaoI_p_TiOS7d9YA9jIJo3zk78SercsxYLes5oBc';

/** What one call to the logger wrote: its JSON line, parsed, and the raw line. */
function logged(write: () => void): { entry: Record<string, any>; line: string } {
  mockLines.length = 0;
  write();
  expect(mockLines).toHaveLength(1);
  return { entry: JSON.parse(mockLines[0]), line: mockLines[0] };
}

beforeAll(() => {
  logger.level = 'info';
});

describe('secrets in log fields', () => {
  it.each(['password', 'passwordHash', 'token', 'tokenSalt', 'payloadKeys', 'PAYLOAD_KEYS'])(
    'a top-level %s is redacted',
    (field) => {
      const { entry, line } = logged(() => logger.info({ [field]: 'the-secret-value', userId: 'u1' }, 'saved'));
      expect(entry[field]).toBe('[redacted]');
      expect(entry.userId).toBe('u1');
      expect(line).not.toContain('the-secret-value');
    },
  );

  it.each(['password', 'passwordHash', 'token', 'tokenSalt'])('%s one level down is redacted', (field) => {
    const { entry, line } = logged(() => logger.info({ body: { [field]: 'the-secret-value', loginName: 'alice' } }));
    expect(entry.body).toEqual({ [field]: '[redacted]', loginName: 'alice' });
    expect(line).not.toContain('the-secret-value');
  });

  it('a registration logged as it arrives shows its login name, not its password', () => {
    const { entry } = logged(() =>
      logger.info({ input: { loginName: 'alice', password: 'correct horse battery', tokenSalt: 'salt' } }, 'register'),
    );
    expect(entry.input).toEqual({ loginName: 'alice', password: '[redacted]', tokenSalt: '[redacted]' });
    expect(entry.msg).toBe('register');
  });
});

describe("a child logger's bindings", () => {
  it('have their secret fields redacted and their addresses masked, in every line of the child', () => {
    const child = logger.child({
      userId: 'u1',
      password: 'bound-secret-1',
      activationToken: 'bound-secret-2',
      config: { tokenSecret: 'bound-secret-3' },
      email: 'alice@example.com',
    });
    const { entry, line } = logged(() => child.info({ step: 'save' }, 'saved'));
    expect(entry).toMatchObject({
      userId: 'u1',
      password: '[redacted]',
      activationToken: '[redacted]',
      config: { tokenSecret: '[redacted]' },
      email: 'a***@example.com',
      step: 'save',
      msg: 'saved',
    });
    expect(line).not.toMatch(/bound-secret|alice@/);
  });

  it("are redacted in a child's child and in bindings set later", () => {
    const grandchild = logger.child({ requestId: 'r1' }).child({ token: 'bound-secret-4' });
    grandchild.setBindings({ adminToken: 'bound-secret-5' });
    const { entry, line } = logged(() => grandchild.warn('retrying'));
    expect(entry).toMatchObject({ requestId: 'r1', token: '[redacted]', adminToken: '[redacted]' });
    expect(line).not.toContain('bound-secret');
  });

  it('a bound request is shown by its serializer, as pino-http binds it, without its Authorization header', () => {
    const child = logger.child({
      req: { id: 'req-1', method: 'GET', url: `/api/users/activate/${TOKEN}`, headers: { authorization: 'Bearer op' } },
    });
    const { entry, line } = logged(() => child.info('request completed'));
    expect(entry.req).toEqual({ id: 'req-1', method: 'GET', url: '/api/users/activate/[redacted]' });
    expect(line).not.toContain(TOKEN);
    expect(line).not.toContain('Bearer op');
  });
});

describe('requests', () => {
  const request = (url: string) => ({
    id: 'req-1',
    method: 'GET',
    url,
    remoteAddress: '127.0.0.1',
    headers: { authorization: 'Bearer operator-secret', cookie: 'sid=cookie-secret' },
  });

  it('show id, method, URL and client address, never the Authorization header or cookies', () => {
    const { entry, line } = logged(() => logger.info({ req: request('/api/messages?status=DEAD') }, 'request'));
    expect(entry.req).toEqual({
      id: 'req-1',
      method: 'GET',
      url: '/api/messages?status=DEAD',
      remoteAddress: '127.0.0.1',
    });
    expect(line).not.toContain('operator-secret');
    expect(line).not.toContain('cookie-secret');
  });

  it('show an activation URL without its token', () => {
    const { entry, line } = logged(() => logger.info({ req: request(`/api/users/activate/${TOKEN}`) }));
    expect(entry.req.url).toBe('/api/users/activate/[redacted]');
    expect(line).not.toContain(TOKEN);
  });

  it('show an address in a query string only masked, percent-encoded or not', () => {
    const { entry, line } = logged(() =>
      logger.info({ req: request('/api/users?email=alice.smith%40example.com&x=1') }, 'request'),
    );
    expect(entry.req.url).toBe('/api/users?email=a***%40example.com&x=1');
    expect(line).not.toContain('alice.smith');
    const plain = logged(() => logger.info({ req: request('/api/users?email=bob@example.org') }));
    expect(plain.entry.req.url).toBe('/api/users?email=b***@example.org');
  });

  it('show an address in a path only masked', () => {
    const { entry } = logged(() => logger.info({ req: request('/api/users/carol%2Btag%40example.net/x') }));
    expect(entry.req.url).toBe('/api/users/c***%40example.net/x');
  });

  it.each([
    [`/API/USERS/ACTIVATE/${TOKEN}`, '/API/USERS/ACTIVATE/[redacted]'],
    [`/Api/Users/Activate/${TOKEN}?lang=en`, '/Api/Users/Activate/[redacted]?lang=en'],
    ['/CODEC/dev-codec-token/DECODE', '/CODEC/[redacted]/DECODE'],
    ['/Codec/dev-codec-token/encode', '/Codec/[redacted]/encode'],
  ])('show %s, whatever its case, without its token', (url, shown) => {
    const { entry, line } = logged(() => logger.info({ req: request(url) }));
    expect(entry.req.url).toBe(shown);
    expect(line).not.toContain(TOKEN);
    expect(line).not.toContain('dev-codec-token');
  });

  it('show a codec URL without the codec token in its path', () => {
    const { entry, line } = logged(() => logger.info({ req: request('/codec/dev-codec-token/decode') }));
    expect(entry.req.url).toBe('/codec/[redacted]/decode');
    expect(line).not.toContain('dev-codec-token');
  });
});

describe('redactUrl', () => {
  it.each([
    [`/api/users/activate/${TOKEN}`, '/api/users/activate/[redacted]'],
    [`/api/users/activate/${TOKEN}?lang=en`, '/api/users/activate/[redacted]?lang=en'],
    [`/api/users/activate/${TOKEN}#top`, '/api/users/activate/[redacted]#top'],
    [
      `https://signup.example.com/api/users/activate/${TOKEN}`,
      'https://signup.example.com/api/users/activate/[redacted]',
    ],
    ['/codec/secret-token/encode', '/codec/[redacted]/encode'],
    // A token that happens to begin like an operation is still a token.
    ['/codec/decoder-token/decode', '/codec/[redacted]/decode'],
    ['/CODEC/ENCODE-ME/ENCODE', '/CODEC/[redacted]/ENCODE'],
  ])('%s → %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  it.each([
    '/codec/decode',
    '/codec/encode',
    '/CODEC/DECODE',
    '/codec/decode?x=1',
    '/api/users/activation/resend',
    '/api/users/user-1',
    '/health',
  ])('leaves %s as it is', (url) => {
    expect(redactUrl(url)).toBe(url);
  });
});

describe('e-mail addresses', () => {
  it('are masked in the message, keeping the first letter and the domain', () => {
    const { entry, line } = logged(() => logger.info('activation mail sent to alice@example.com'));
    expect(entry.msg).toBe('activation mail sent to a***@example.com');
    expect(line).not.toContain('alice@');
  });

  it('are masked in printf-style arguments', () => {
    const { entry } = logged(() => logger.info('mail to %s refused', 'bob.smith@mail.example.org'));
    expect(entry.msg).toBe('mail to b***@mail.example.org refused');
  });

  it('are masked in fields, nested and in arrays', () => {
    const { entry, line } = logged(() =>
      logger.info({ email: 'alice@example.com', user: { to: ['carol@example.com', 'dave+tag@example.net'] } }),
    );
    expect(entry.email).toBe('a***@example.com');
    expect(entry.user.to).toEqual(['c***@example.com', 'd***@example.net']);
    expect(line).not.toMatch(/alice@|carol@|dave\+tag@/);
  });

  it('are masked in the message and the stack of an error', () => {
    const { entry, line } = logged(() =>
      logger.error({ err: new Error('550 <erin@example.com>: Recipient address rejected') }, 'delivery failed'),
    );
    expect(entry.err.message).toBe('550 <e***@example.com>: Recipient address rejected');
    expect(entry.err.stack).toContain('e***@example.com');
    expect(line).not.toContain('erin@');
  });

  it('leave numbers, booleans and text without an address alone', () => {
    const { entry } = logged(() => logger.info({ count: 3, ok: true, note: 'no address @ all', at: 'x@y' }, 'plain'));
    expect(entry).toMatchObject({ count: 3, ok: true, note: 'no address @ all', at: 'x@y', msg: 'plain' });
  });
});

describe('maskEmails', () => {
  it.each([
    ['alice@example.com', 'a***@example.com'],
    ['Alice.Smith+news@Mail.Example.co.uk', 'A***@Mail.Example.co.uk'],
    ['a@example.com', 'a***@example.com'],
    ['to: x@example.com, y@example.org', 'to: x***@example.com, y***@example.org'],
    ['email=alice%40example.com', 'email=a***%40example.com'],
    ['EMAIL=ALICE%40EXAMPLE.COM', 'EMAIL=A***%40EXAMPLE.COM'],
  ])('%s → %s', (text, masked) => {
    expect(maskEmails(text)).toBe(masked);
  });
});

describe('secrets anywhere', () => {
  it('a secret field at any depth is redacted, settings and credentials included', () => {
    const { entry, line } = logged(() =>
      logger.info({
        body: { user: { password: 'deep-secret-1' } },
        config: { adminToken: 'deep-secret-2', activation: { tokenSecret: 'deep-secret-3' }, ADMIN_TOKEN: 'x' },
        headers: { authorization: 'Bearer deep-secret-4' },
      }),
    );
    for (const secret of ['deep-secret-1', 'deep-secret-2', 'deep-secret-3', 'deep-secret-4']) {
      expect(line).not.toContain(secret);
    }
    expect(entry.body.user.password).toBe('[redacted]');
    expect(entry.config.ADMIN_TOKEN).toBe('[redacted]');
  });

  it('an error logged alone has its address masked in the message and keeps its type and code', () => {
    const err = Object.assign(new TypeError('mailbox dave@example.com is full'), { code: 'EFULL' });
    const { entry, line } = logged(() => logger.error(err));
    expect(line).not.toContain('dave@example.com');
    expect(entry.msg).toBe('mailbox d***@example.com is full');
    expect(entry.err).toMatchObject({ type: 'TypeError', code: 'EFULL' });
  });

  it('an activation link inside a message loses its token', () => {
    const { line } = logged(() =>
      logger.info(`sent https://signup.example.test/api/users/activate/${TOKEN} to a user`),
    );
    expect(line).not.toContain(TOKEN);
    expect(line).toContain('/api/users/activate/[redacted]');
  });
});
