/**
 * `NAME_FILE` settings (config/secret-files.ts): a secret is read from the file a variable names, as
 * Docker and Kubernetes mount them, with one trailing newline dropped; a setting given both ways, or a
 * file that cannot be read, is refused naming the variable; `_FILE` variables that name no setting are
 * not read.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../config';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'config-secret-files-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A file holding `content`, as a mounted secret. */
function secretFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

it('reads a secret from its file, without the trailing newline', () => {
  const config = loadConfig({
    ADMIN_TOKEN_FILE: secretFile('admin', 'operator-secret\n'),
    ACTIVATION_TOKEN_SECRET_FILE: secretFile('activation', 'a-long-activation-secret\r\n'),
    CODEC_TOKEN_FILE: secretFile('codec', 'codec-secret'),
  });
  expect(config.adminToken).toBe('operator-secret');
  expect(config.activation.tokenSecret).toBe('a-long-activation-secret');
  expect(config.codec.token).toBe('codec-secret');
});

it('drops only one trailing newline, and keeps other whitespace', () => {
  expect(loadConfig({ ADMIN_TOKEN_FILE: secretFile('two-newlines', ' spaced secret\n\n') }).adminToken).toBe(
    ' spaced secret\n',
  );
});

it('reads payload keys from a file', () => {
  const key = Buffer.alloc(32, 7);
  const config = loadConfig({ PAYLOAD_KEYS_FILE: secretFile('keys', `k7:${key.toString('base64')}\n`) });
  expect([...config.payloadKeys.keys()]).toEqual(['k7']);
  expect(config.payloadKeys.get('k7')).toEqual(key);
});

it('validates what it read like any other value', () => {
  expect(() => loadConfig({ ACTIVATION_TOKEN_SECRET_FILE: secretFile('short', 'short\n') })).toThrow(
    /^Invalid configuration: ACTIVATION_TOKEN_SECRET: /,
  );
});

it('refuses a setting given both directly and by file', () => {
  expect(() => loadConfig({ ADMIN_TOKEN: 'direct', ADMIN_TOKEN_FILE: secretFile('both', 'from-file') })).toThrow(
    new ConfigError('Invalid configuration: both ADMIN_TOKEN and ADMIN_TOKEN_FILE are set; set one of them'),
  );
});

it('refuses a file that cannot be read, naming the variable, the path and the reason', () => {
  const missing = join(dir, 'missing');
  expect(() => loadConfig({ CODEC_TOKEN_FILE: missing })).toThrow(
    `Invalid configuration: CODEC_TOKEN_FILE: cannot read ${missing} (ENOENT)`,
  );
});

it('leaves alone the _FILE variables of other programs', () => {
  expect(() =>
    loadConfig({
      SSL_CERT_FILE: join(dir, 'no-such-ca.pem'),
      COMPOSE_FILE: 'docker-compose.yml:docker-compose.prod.yml',
    }),
  ).not.toThrow();
});

it('ignores an empty NAME_FILE', () => {
  expect(loadConfig({ ADMIN_TOKEN_FILE: '' }).adminToken).toBe('dev-admin-token');
});

it('satisfies production with secrets from files', () => {
  const long = (name: string) => secretFile(name, `${name}-${'s'.repeat(40)}\n`);
  const config = loadConfig({
    NODE_ENV: 'production',
    MONGODB_URI: 'mongodb://db.internal:27017/signup',
    REDIS_URL: 'redis://cache.internal:6379',
    TEMPORAL_ADDRESS: 'temporal.internal:7233',
    SMTP_URL: 'smtp://smtp.internal:25',
    MAIL_FROM: 'Example <no-reply@example.com>',
    PUBLIC_BASE_URL: 'https://signup.example.com',
    ADMIN_TOKEN_FILE: long('admin-prod'),
    ACTIVATION_TOKEN_SECRET_FILE: long('activation-prod'),
    ACTIVATION_CODE_KEY_FILE: long('code-prod'),
    CODEC_TOKEN_FILE: long('codec-prod'),
    PAYLOAD_KEYS_FILE: secretFile('keys-prod', `prod:${Buffer.alloc(32, 9).toString('base64')}`),
    CODEC_CORS_ORIGINS: 'https://temporal-ui.example.com',
  });
  expect(config.adminToken).toBe(`admin-prod-${'s'.repeat(40)}`);
  expect(config.activation.codeKey).toBe(`code-prod-${'s'.repeat(40)}`);
});
