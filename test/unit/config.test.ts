/**
 * `loadConfig` (config/index.ts): the defaults docs/configuration.md documents, numbers read from strings, every
 * invalid value refused with a message that names its variable (and never shows a secret), and the
 * payload keys of `PAYLOAD_KEYS`, the first one current.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../config';

const key = () => randomBytes(32).toString('base64');

/** The message `loadConfig` throws for `env`, or a failure of the test when it accepts it. */
function refusal(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('defaults', () => {
  it('without any variable, every setting has the default of docs/configuration.md', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      mongodbUri: 'mongodb://127.0.0.1:27017/reliable_signup',
      redis: { url: 'redis://127.0.0.1:6379', keyPrefix: 'reliable-signup:' },
      temporal: { address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'reliable-signup' },
      smtpUrl: 'smtp://127.0.0.1:1025',
      mailFrom: 'Reliable Signup <no-reply@reliable-signup.local>',
      port: 3000,
      publicBaseUrl: 'http://localhost:3000',
      adminToken: 'dev-admin-token',
      activation: { ttlSeconds: 86_400 },
      passwordHash: { memoryKib: 19_456, passes: 2 },
      delivery: { maxAttempts: 10 },
      rateLimits: {
        registerPerMinute: 20,
        resendPerMinute: 5,
        activationResendsPerHour: 3,
        adminLoginPerMinute: 10,
        attemptStatusPerMinute: 60,
      },
      registration: { takenEmail: 'conceal', noticeWindowSeconds: 3600 },
      mailOutcomes: { softBouncesAsHard: 3, softBounceWindowSeconds: 72 * 3600 },
      console: { sessionTtlSeconds: 28_800, temporalUiUrl: 'http://localhost:8233' },
      retention: { days: 7, batchSize: 500 },
      codec: { token: 'dev-codec-token', corsOrigins: ['http://localhost:8233', 'http://127.0.0.1:8233'] },
      logLevel: 'info',
      templates: { defaultLocale: 'en' },
    });
    expect(config.templates.overridesDir).toBeUndefined();
    expect(config.workerMetricsAddress).toBeUndefined();
    expect(config.apiMetricsAddress).toBeUndefined();
    expect(config.deadCountRefreshSeconds).toBe(30);
  });

  it('the development token secret and payload key are usable as they are', () => {
    const config = loadConfig({});
    expect(config.activation.tokenSecret.length).toBeGreaterThanOrEqual(16);
    expect([...config.payloadKeys.keys()]).toEqual(['dev']);
    expect(config.payloadKeys.get('dev')).toHaveLength(32);
  });

  it('the activation link follows PORT when PUBLIC_BASE_URL is not set', () => {
    expect(loadConfig({ PORT: '8080' }).publicBaseUrl).toBe('http://localhost:8080');
  });

  it('variables that are not settings are ignored', () => {
    expect(() => loadConfig({ PATH: '/usr/bin', HOME: '/root', LANG: 'C.UTF-8', TERM: 'xterm' })).not.toThrow();
  });
});

describe('values read from the environment', () => {
  it('numbers are read from their strings', () => {
    const config = loadConfig({
      PORT: '4000',
      ACTIVATION_TTL_SECONDS: '3600',
      PASSWORD_HASH_MEMORY_KIB: '65536',
      PASSWORD_HASH_PASSES: '3',
      DELIVERY_MAX_ATTEMPTS: '4',
      RATE_LIMIT_REGISTER_PER_MINUTE: '100',
      RATE_LIMIT_RESEND_PER_MINUTE: '7',
      ACTIVATION_RESENDS_PER_HOUR: '9',
      RETENTION_DAYS: '30',
      RETENTION_BATCH_SIZE: '10000',
    });
    expect(config).toMatchObject({
      port: 4000,
      activation: { ttlSeconds: 3600 },
      passwordHash: { memoryKib: 65_536, passes: 3 },
      delivery: { maxAttempts: 4 },
      rateLimits: { registerPerMinute: 100, resendPerMinute: 7, activationResendsPerHour: 9 },
      retention: { days: 30, batchSize: 10_000 },
    });
  });

  it('PUBLIC_BASE_URL loses its trailing slashes, so the link has no double slash', () => {
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://signup.example.com//' }).publicBaseUrl).toBe(
      'https://signup.example.com',
    );
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://example.com/signup/' }).publicBaseUrl).toBe(
      'https://example.com/signup',
    );
  });

  it('TEMPORAL_UI_URL loses its trailing slashes, and must be http(s)', () => {
    expect(loadConfig({ TEMPORAL_UI_URL: 'https://temporal.example.com/' }).console.temporalUiUrl).toBe(
      'https://temporal.example.com',
    );
    expect(() => loadConfig({ TEMPORAL_UI_URL: 'javascript:alert(1)' })).toThrow(/TEMPORAL_UI_URL/);
  });

  it('CODEC_CORS_ORIGINS is a comma-separated list, blanks ignored', () => {
    expect(
      loadConfig({ CODEC_CORS_ORIGINS: ' https://ui.example.com ,, http://localhost:8233 ' }).codec.corsOrigins,
    ).toEqual(['https://ui.example.com', 'http://localhost:8233']);
  });

  it('the codec has no sign-on unless CODEC_OIDC_ISSUER and CODEC_OIDC_AUDIENCE are set', () => {
    expect(loadConfig({}).codec.signOn).toBeUndefined();
    expect(
      loadConfig({ CODEC_OIDC_ISSUER: 'https://id.example.com/', CODEC_OIDC_AUDIENCE: 'reliable-signup-codec' }).codec
        .signOn,
    ).toEqual({ issuer: 'https://id.example.com/', audience: 'reliable-signup-codec', algorithms: ['RS256'] });
    expect(
      loadConfig({
        CODEC_OIDC_ISSUER: 'https://id.example.com',
        CODEC_OIDC_AUDIENCE: 'api://codec',
        CODEC_OIDC_JWKS_URL: 'https://id.example.com/keys',
        CODEC_OIDC_ALGORITHMS: 'ES256, RS256',
      }).codec.signOn,
    ).toEqual({
      issuer: 'https://id.example.com',
      audience: 'api://codec',
      jwksUrl: 'https://id.example.com/keys',
      algorithms: ['ES256', 'RS256'],
    });
  });

  it('a taken e-mail is concealed unless REGISTRATION_TAKEN_EMAIL=reveal; the notice window is in seconds', () => {
    expect(
      loadConfig({ REGISTRATION_TAKEN_EMAIL: 'reveal', ACCOUNT_NOTICE_WINDOW_SECONDS: '600' }).registration,
    ).toEqual({ takenEmail: 'reveal', noticeWindowSeconds: 600, ceilingSeconds: 72 * 3600 });
    expect(refusal({ REGISTRATION_TAKEN_EMAIL: 'yes' })).toContain('REGISTRATION_TAKEN_EMAIL');
    expect(refusal({ ACCOUNT_NOTICE_WINDOW_SECONDS: '0' })).toContain('ACCOUNT_NOTICE_WINDOW_SECONDS');
  });

  it('a pending registration holds its address for at most REGISTRATION_CEILING_SECONDS, 72 h by default', () => {
    expect(loadConfig({ REGISTRATION_CEILING_SECONDS: '3600' }).registration.ceilingSeconds).toBe(3600);
    expect(refusal({ REGISTRATION_CEILING_SECONDS: '0' })).toContain('REGISTRATION_CEILING_SECONDS');
  });

  const NUMERIC = [
    'PORT',
    'ACTIVATION_TTL_SECONDS',
    'PASSWORD_HASH_MEMORY_KIB',
    'PASSWORD_HASH_PASSES',
    'DELIVERY_MAX_ATTEMPTS',
    'DELIVERY_PICKUP_TIMEOUT_SECONDS',
    'RATE_LIMIT_REGISTER_PER_MINUTE',
    'RATE_LIMIT_RESEND_PER_MINUTE',
    'ACTIVATION_RESENDS_PER_HOUR',
    'ACCOUNT_NOTICE_WINDOW_SECONDS',
    'REGISTRATION_CEILING_SECONDS',
    'RETENTION_DAYS',
    'RETENTION_BATCH_SIZE',
    'DEAD_COUNT_REFRESH_SECONDS',
    'WORKER_MAX_CACHED_WORKFLOWS',
    'ADMIN_SESSION_TTL_SECONDS',
    'RATE_LIMIT_ADMIN_LOGIN_PER_MINUTE',
  ];
  it.each(NUMERIC.flatMap((name) => [[name, ''] as const, [name, '  '] as const]))(
    'an empty %s (%j) is unset: it takes the default, not 0',
    (name, value) => {
      expect(loadConfig({ [name]: value })).toEqual(loadConfig({}));
    },
  );

  it('an empty PORT is the default port, in the public base URL too', () => {
    expect(loadConfig({ PORT: '' })).toMatchObject({ port: 3000, publicBaseUrl: 'http://localhost:3000' });
  });

  it('REDIS_KEY_PREFIX may be empty, for a Redis of its own', () => {
    expect(loadConfig({ REDIS_KEY_PREFIX: '' }).redis.keyPrefix).toBe('');
  });

  it('the secrets and servers are taken as given', () => {
    const config = loadConfig({
      ADMIN_TOKEN: 'operator-secret',
      CODEC_TOKEN: 'codec-secret',
      ACTIVATION_TOKEN_SECRET: 'a-long-random-production-secret',
      MONGODB_URI: 'mongodb://db.example.com:27017/signup',
      REDIS_URL: 'redis://cache.example.com:6379',
      REDIS_KEY_PREFIX: 'signup-staging:',
      SMTP_URL: 'smtps://user:pass@smtp.example.com:465',
      TEMPORAL_ADDRESS: 'temporal.example.com:7233',
      TEMPORAL_NAMESPACE: 'signup',
      TEMPORAL_TASK_QUEUE: 'signup-queue',
      WORKER_METRICS_ADDRESS: '0.0.0.0:9464',
      API_METRICS_ADDRESS: '0.0.0.0:9465',
      DEAD_COUNT_REFRESH_SECONDS: '60',
      WORKER_MAX_CACHED_WORKFLOWS: '2000',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      adminToken: 'operator-secret',
      codec: { token: 'codec-secret' },
      activation: { tokenSecret: 'a-long-random-production-secret' },
      mongodbUri: 'mongodb://db.example.com:27017/signup',
      redis: { url: 'redis://cache.example.com:6379', keyPrefix: 'signup-staging:' },
      smtpUrl: 'smtps://user:pass@smtp.example.com:465',
      temporal: { address: 'temporal.example.com:7233', namespace: 'signup', taskQueue: 'signup-queue' },
      workerMetricsAddress: '0.0.0.0:9464',
      apiMetricsAddress: '0.0.0.0:9465',
      deadCountRefreshSeconds: 60,
      workerMaxCachedWorkflows: 2000,
      logLevel: 'debug',
    });
  });
});

describe('invalid values are refused, naming the variable', () => {
  it.each([
    ['PORT', 'http'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '3000.5'],
    ['PUBLIC_BASE_URL', 'signup.example.com'],
    ['ADMIN_TOKEN', ''],
    ['CODEC_TOKEN', ''],
    ['ACTIVATION_TOKEN_SECRET', 'too-short'],
    ['ACTIVATION_TTL_SECONDS', '0'],
    ['ACTIVATION_TTL_SECONDS', 'a day'],
    ['PASSWORD_HASH_MEMORY_KIB', '512'],
    ['PASSWORD_HASH_PASSES', '0'],
    ['DELIVERY_MAX_ATTEMPTS', '0'],
    ['RATE_LIMIT_REGISTER_PER_MINUTE', '-5'],
    ['RATE_LIMIT_RESEND_PER_MINUTE', '1.5'],
    ['ACTIVATION_RESENDS_PER_HOUR', '0'],
    ['RETENTION_DAYS', '0'],
    ['RETENTION_BATCH_SIZE', '10001'],
    ['REDIS_KEY_PREFIX', 'signup staging:'],
    ['REDIS_KEY_PREFIX', 'signup/'],
    ['REDIS_KEY_PREFIX', 'signup*'],
    ['WORKER_METRICS_ADDRESS', '9464'],
    ['WORKER_METRICS_ADDRESS', 'localhost'],
    ['API_METRICS_ADDRESS', '9465'],
    ['API_METRICS_ADDRESS', '0.0.0.0:3000'],
    ['DEAD_COUNT_REFRESH_SECONDS', '0'],
    ['WORKER_MAX_CACHED_WORKFLOWS', '0'],
    ['LOG_LEVEL', 'verbose'],
    ['DEFAULT_LOCALE', 'english'],
    ['DEFAULT_LOCALE', '../de'],
  ])('%s=%j', (variable, value) => {
    const message = refusal({ [variable]: value });
    expect(message).toMatch(/^Invalid configuration: /);
    expect(message).toContain(`${variable}: `);
  });

  it('every invalid variable is named in one message', () => {
    const message = refusal({ PORT: 'http', DELIVERY_MAX_ATTEMPTS: '0', LOG_LEVEL: 'loud' });
    expect(message).toContain('PORT: ');
    expect(message).toContain('DELIVERY_MAX_ATTEMPTS: ');
    expect(message).toContain('LOG_LEVEL: ');
  });

  it('a refused secret is not repeated in the message', () => {
    const message = refusal({ ACTIVATION_TOKEN_SECRET: 'sekrit-value' });
    expect(message).toContain('ACTIVATION_TOKEN_SECRET');
    expect(message).not.toContain('sekrit-value');
  });
});

describe('PAYLOAD_KEYS', () => {
  it('several keys are all kept for decryption, and the first one is the current key', () => {
    const [current, previous, oldest] = [key(), key(), key()];
    const keys = loadConfig({ PAYLOAD_KEYS: `k3:${current}, k2:${previous},k1:${oldest}` }).payloadKeys;
    expect([...keys.keys()]).toEqual(['k3', 'k2', 'k1']);
    expect(keys.get('k3')).toEqual(Buffer.from(current, 'base64'));
    expect(keys.get('k2')).toEqual(Buffer.from(previous, 'base64'));
    expect(keys.get('k1')).toEqual(Buffer.from(oldest, 'base64'));
  });

  it.each([
    ['16 bytes', randomBytes(16).toString('base64')],
    ['33 bytes', randomBytes(33).toString('base64')],
    ['no key at all', ''],
  ])('a key of the wrong length (%s) is refused, naming its position and not its material', (_case, material) => {
    const message = refusal({ PAYLOAD_KEYS: `ok:${key()},weak:${material}` });
    expect(message).toMatch(/^Invalid configuration: PAYLOAD_KEYS entry 2 /);
    expect(message).toContain('32 bytes');
    if (material) expect(message).not.toContain(material);
  });

  it('an entry without an id is refused', () => {
    expect(refusal({ PAYLOAD_KEYS: `:${key()}` })).toMatch(/^Invalid configuration: PAYLOAD_KEYS entry 1 /);
  });

  it('an entry without a colon is refused without printing it (it is key material)', () => {
    const material = key();
    const message = refusal({ PAYLOAD_KEYS: `a:${key()},${material}` });
    expect(message).toMatch(/^Invalid configuration: PAYLOAD_KEYS entry 2 /);
    expect(message).not.toContain(material.slice(0, 12));
  });

  it.each(['', ' ', ' , ,'])('an empty list (%j) is refused: something has to encrypt', (spec) => {
    expect(refusal({ PAYLOAD_KEYS: spec })).toBe('Invalid configuration: PAYLOAD_KEYS needs at least one key');
  });
});

describe('refusals that keep a deployment from quietly going wrong', () => {
  it('a key id given twice is refused: the current key would silently change', () => {
    expect(refusal({ PAYLOAD_KEYS: `a:${key()},b:${key()},a:${key()}` })).toContain('key id "a" twice');
  });

  it.each(['javascript:alert(1)', 'ftp://signup.example.test'])(
    'PUBLIC_BASE_URL %s is refused: the link goes in mails',
    (url) => {
      expect(refusal({ PUBLIC_BASE_URL: url })).toContain('PUBLIC_BASE_URL');
    },
  );

  it.each([
    [{ CODEC_OIDC_ISSUER: 'https://id.example.com' }, 'CODEC_OIDC_AUDIENCE: must be set with CODEC_OIDC_ISSUER'],
    [{ CODEC_OIDC_AUDIENCE: 'codec' }, 'CODEC_OIDC_ISSUER: must be set with CODEC_OIDC_AUDIENCE'],
    [{ CODEC_OIDC_JWKS_URL: 'https://id.example.com/keys' }, 'CODEC_OIDC_JWKS_URL: needs CODEC_OIDC_ISSUER'],
    [{ CODEC_OIDC_ALGORITHMS: 'RS256' }, 'CODEC_OIDC_ALGORITHMS: needs CODEC_OIDC_ISSUER'],
    [
      { CODEC_OIDC_ISSUER: 'id.example.com', CODEC_OIDC_AUDIENCE: 'codec' },
      'CODEC_OIDC_ISSUER: must be an http(s) URL',
    ],
  ])('a half-configured sign-on for the codec is refused (%j), not ignored', (env, problem) => {
    expect(refusal(env)).toContain(`Invalid configuration: ${problem}`);
  });

  it.each(['none', 'HS256', 'RS256,HS256', ','])(
    'CODEC_OIDC_ALGORITHMS=%j is refused: only asymmetric signatures prove the identity provider signed',
    (algorithms) => {
      const env = { CODEC_OIDC_ISSUER: 'https://id.example.com', CODEC_OIDC_AUDIENCE: 'codec' };
      expect(refusal({ ...env, CODEC_OIDC_ALGORITHMS: algorithms })).toContain(
        'Invalid configuration: CODEC_OIDC_ALGORITHMS: must be a list of',
      );
    },
  );
});

describe('mail events and DKIM', () => {
  it('has every mail-event provider off, and no DKIM signing, by default', () => {
    const config = loadConfig({});
    expect(config.mailEvents).toEqual({});
    expect(config.dkim).toBeUndefined();
  });

  it('turns each provider on with its secret', () => {
    const { mailEvents } = loadConfig({
      MAIL_EVENTS_SES_TOPIC_ARNS: 'arn:aws:sns:eu-west-1:1:a, arn:aws:sns:eu-west-1:1:b',
      MAIL_EVENTS_SENDGRID_PUBLIC_KEY: 'MFkw…',
      MAIL_EVENTS_POSTMARK_CREDENTIALS: 'hook:pass:with:colons',
      MAIL_EVENTS_MAILGUN_SIGNING_KEY: 'key-1',
      MAIL_EVENTS_GENERIC_SECRET: 'sixteen-chars-or-more',
    });
    expect(mailEvents).toEqual({
      ses: { topicArns: ['arn:aws:sns:eu-west-1:1:a', 'arn:aws:sns:eu-west-1:1:b'], certHostCheck: 'on' },
      sendgrid: { publicKey: 'MFkw…' },
      postmark: { username: 'hook', password: 'pass:with:colons' },
      mailgun: { signingKey: 'key-1' },
      generic: { secret: 'sixteen-chars-or-more' },
    });
  });

  it('refuses Postmark credentials without a user, and a DKIM key without its domain and selector', () => {
    expect(refusal({ MAIL_EVENTS_POSTMARK_CREDENTIALS: 'no-colon' })).toContain('MAIL_EVENTS_POSTMARK_CREDENTIALS');
    expect(refusal({ MAIL_DKIM_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----' })).toContain('go together');
    expect(
      loadConfig({ MAIL_DKIM_DOMAIN: 'example.com', MAIL_DKIM_SELECTOR: 's1', MAIL_DKIM_PRIVATE_KEY: 'pem' }).dkim,
    ).toEqual({ domainName: 'example.com', keySelector: 's1', privateKey: 'pem' });
  });
});
