/**
 * `loadConfig` with NODE_ENV=production (config/production.ts): every setting whose default only fits a
 * developer's machine must be given, no development default (the published payload key least of all)
 * may remain, and the secrets must be long; the refusal names each setting at fault and shows no value.
 */
import { randomBytes } from 'node:crypto';
import { ConfigError, DEVELOPMENT_DEFAULTS, loadConfig } from '../../config';
import { DEVELOPMENT_MAIL_EVENTS_SECRET } from '../../config/mail-events';

const secret = () => randomBytes(24).toString('base64url');
const freshKey = () => randomBytes(32).toString('base64');
const DEV_KEY = DEVELOPMENT_DEFAULTS.PAYLOAD_KEYS.split(':')[1];

/** An environment fit for production. */
function production(): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'production',
    MONGODB_URI: 'mongodb://db.internal:27017/signup',
    REDIS_URL: 'redis://cache.internal:6379',
    TEMPORAL_ADDRESS: 'temporal.internal:7233',
    SMTP_URL: 'smtps://mailer:pw@smtp.example.com:465',
    MAIL_FROM: 'Example <no-reply@example.com>',
    PUBLIC_BASE_URL: 'https://signup.example.com',
    ADMIN_TOKEN: secret(),
    ACTIVATION_TOKEN_SECRET: secret(),
    ACTIVATION_CODE_KEY: secret(),
    PAYLOAD_KEYS: `2026-11:${freshKey()}`,
    CODEC_TOKEN: secret(),
    CODEC_CORS_ORIGINS: 'https://temporal-ui.example.com',
  };
}

/** The error `loadConfig` throws for `env`, or a failure of the test when it accepts it. */
function refusal(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('loadConfig accepted the environment');
}

it('starts with every setting given', () => {
  const env = production();
  const config = loadConfig(env);
  expect(config.publicBaseUrl).toBe('https://signup.example.com');
  expect(config.adminToken).toBe(env.ADMIN_TOKEN);
});

it('refuses to start on the defaults, naming every setting that is missing', () => {
  const { message } = refusal({ NODE_ENV: 'production' });
  expect(message).toMatch(/^Refusing to start in production \(NODE_ENV=production\): /);
  for (const name of [...Object.keys(DEVELOPMENT_DEFAULTS), 'PUBLIC_BASE_URL']) {
    expect(message).toContain(`${name} is not set`);
  }
});

it.each(Object.keys(DEVELOPMENT_DEFAULTS) as (keyof typeof DEVELOPMENT_DEFAULTS)[])(
  'refuses %s left at its development default',
  (name) => {
    const { message } = refusal({ ...production(), [name]: DEVELOPMENT_DEFAULTS[name] });
    expect(message).toContain(`${name} is the development default`);
  },
);

it.each(['ADMIN_TOKEN', 'ACTIVATION_TOKEN_SECRET', 'ACTIVATION_CODE_KEY', 'CODEC_TOKEN'])(
  'refuses a %s shorter than 32 characters, without showing it',
  (name) => {
    const short = 'x'.repeat(31);
    const { message } = refusal({ ...production(), [name]: short });
    expect(message).toContain(`${name} is shorter than 32 characters`);
    expect(message).not.toContain(short);
    expect(() => loadConfig({ ...production(), [name]: 'y'.repeat(32) })).not.toThrow();
  },
);

it('starts without CODEC_TOKEN when the codec has sign-on, and then takes no codec token at all', () => {
  const { CODEC_TOKEN: _unused, ...env } = production();
  const config = loadConfig({ ...env, CODEC_OIDC_ISSUER: 'https://id.example.com', CODEC_OIDC_AUDIENCE: 'codec' });
  expect(config.codec.token).toBeUndefined();
  expect(config.codec.signOn).toMatchObject({ issuer: 'https://id.example.com', audience: 'codec' });
});

it('refuses a codec with neither CODEC_TOKEN nor sign-on', () => {
  const { CODEC_TOKEN: _unused, ...env } = production();
  expect(refusal(env).message).toContain(
    'CODEC_TOKEN is not set (nor sign-on for the codec: CODEC_OIDC_ISSUER and CODEC_OIDC_AUDIENCE)',
  );
});

it.each(['CODEC_OIDC_ISSUER', 'CODEC_OIDC_JWKS_URL'])('refuses a %s that is not https', (name) => {
  const env = { ...production(), CODEC_OIDC_ISSUER: 'https://id.example.com', CODEC_OIDC_AUDIENCE: 'codec' };
  expect(refusal({ ...env, [name]: 'http://id.example.com/x' }).message).toContain(`${name} is not an https URL`);
});

it('refuses the published development key even under another id, and among other keys', () => {
  for (const keys of [`prod:${DEV_KEY}`, `new:${freshKey()},old:${DEV_KEY}`]) {
    expect(refusal({ ...production(), PAYLOAD_KEYS: keys }).message).toContain(
      'PAYLOAD_KEYS holds the development key',
    );
  }
});

it('lists every problem at once, and no secret value', () => {
  const env: NodeJS.ProcessEnv = {
    ...production(),
    ADMIN_TOKEN: 'short-admin',
    SMTP_URL: '',
    MAIL_FROM: DEVELOPMENT_DEFAULTS.MAIL_FROM,
  };
  const { message } = refusal(env);
  expect(message).toContain('ADMIN_TOKEN is shorter than 32 characters');
  expect(message).toContain('SMTP_URL is not set');
  expect(message).toContain('MAIL_FROM is the development default');
  for (const value of [env.ADMIN_TOKEN!, env.ACTIVATION_TOKEN_SECRET!, env.ACTIVATION_CODE_KEY!, env.CODEC_TOKEN!]) {
    expect(message).not.toContain(value);
  }
});

it('still refuses malformed values first, with the usual message', () => {
  expect(refusal({ ...production(), PORT: 'http' }).message).toMatch(/^Invalid configuration: PORT: /);
});

it('applies only to NODE_ENV=production', () => {
  for (const NODE_ENV of [undefined, 'development', 'test', 'Production']) {
    expect(() => loadConfig({ NODE_ENV })).not.toThrow();
  }
});

describe('settings that would weaken the deployment', () => {
  it.each(['http://signup.example.com', 'http://10.0.0.5:3000'])(
    'refuses PUBLIC_BASE_URL %s: cookies would not be Secure',
    (url) => {
      expect(refusal({ ...production(), PUBLIC_BASE_URL: url }).message).toContain('PUBLIC_BASE_URL is http:');
    },
  );

  it.each(['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000'])(
    'accepts PUBLIC_BASE_URL %s: a stack on this machine only (docker-compose.yml)',
    (url) => {
      expect(loadConfig({ ...production(), PUBLIC_BASE_URL: url }).publicBaseUrl).toBe(url);
    },
  );

  it('refuses an ADMIN_TOKEN equal to CODEC_TOKEN, without showing it', () => {
    const shared = secret();
    const { message } = refusal({ ...production(), ADMIN_TOKEN: shared, CODEC_TOKEN: shared });
    expect(message).toContain('ADMIN_TOKEN equals CODEC_TOKEN');
    expect(message).not.toContain(shared);
  });
});

describe('mail-event webhooks', () => {
  it('refuses the development secret of the generic webhook (the one npm start sets), and a short one', () => {
    expect(refusal({ ...production(), MAIL_EVENTS_GENERIC_SECRET: DEVELOPMENT_MAIL_EVENTS_SECRET }).message).toContain(
      'MAIL_EVENTS_GENERIC_SECRET is the development default',
    );
    expect(refusal({ ...production(), MAIL_EVENTS_GENERIC_SECRET: 'z'.repeat(31) }).message).toContain(
      'MAIL_EVENTS_GENERIC_SECRET is shorter than 32 characters',
    );
    expect(
      loadConfig({ ...production(), MAIL_EVENTS_GENERIC_SECRET: secret() + secret() }).mailEvents.generic,
    ).toBeDefined();
  });

  it('refuses SNS certificates from any host (the setting that lets a test serve its own)', () => {
    const env = { ...production(), MAIL_EVENTS_SES_TOPIC_ARNS: 'arn:aws:sns:eu-west-1:123456789012:ses' };
    expect(refusal({ ...env, MAIL_EVENTS_SES_CERT_HOST_CHECK: 'off' }).message).toContain(
      'MAIL_EVENTS_SES_CERT_HOST_CHECK is off',
    );
    expect(loadConfig(env).mailEvents.ses).toEqual({
      topicArns: [env.MAIL_EVENTS_SES_TOPIC_ARNS],
      certHostCheck: 'on',
    });
  });
});
