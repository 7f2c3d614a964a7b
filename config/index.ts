import { z } from 'zod';
import { withSecretFiles } from './secret-files';
import { DEVELOPMENT_DEFAULTS } from './development-defaults';
import { ConfigError } from './error';
import { parseCodecSignOn, type CodecSignOn } from './codec-sign-on';
import { parseMailEvents, type MailEventsConfig } from './mail-events';
import { parsePayloadKeys } from './payload-keys';
import { productionProblems } from './production';
import { parseTrustProxy, type TrustProxy } from './trust-proxy';
import { LOCALE_PATTERN } from '../domain/locale';

export { ConfigError, DEVELOPMENT_DEFAULTS };

const dev = DEVELOPMENT_DEFAULTS;

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/**
 * A whole-number setting, `rules` applied to it. An empty or blank value counts as unset, so it takes the
 * default, where z.coerce alone would read it as 0.
 */
const integer = <T extends z.ZodType>(rules: (n: z.ZodCoercedNumber) => T) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    rules(z.coerce.number().int()),
  );

const trustProxy = z
  .string()
  .default('false')
  .transform((text, ctx): TrustProxy => {
    const parsed = parseTrustProxy(text);
    if ('value' in parsed) return parsed.value;
    ctx.addIssue({ code: 'custom', message: parsed.problem });
    return z.NEVER;
  });

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const hostPort = z.string().regex(/^[^:\s]+:\d{1,5}$/, 'must be host:port');

const schema = z.object({
  MONGODB_URI: z.string().default(dev.MONGODB_URI),
  REDIS_URL: z.string().default(dev.REDIS_URL),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]*$/, 'may hold only letters, digits and _ . : -')
    .default('reliable-signup:'),
  TEMPORAL_ADDRESS: z.string().default(dev.TEMPORAL_ADDRESS),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('reliable-signup'),
  SMTP_URL: z.string().default(dev.SMTP_URL),
  MAIL_FROM: z.string().default(dev.MAIL_FROM),
  PORT: integer((n) => n.min(0).max(65535).default(3000)),
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  ADMIN_TOKEN: z.string().min(1).default(dev.ADMIN_TOKEN),
  ACTIVATION_TOKEN_SECRET: z.string().min(16).default(dev.ACTIVATION_TOKEN_SECRET),
  ACTIVATION_CODE_KEY: z.string().min(16).default(dev.ACTIVATION_CODE_KEY),
  ACTIVATION_TTL_SECONDS: integer((n) => n.positive().default(24 * 60 * 60)),
  ACTIVATION_REMINDER_SECONDS: integer((n) => n.min(0).default(6 * 60 * 60)),
  PASSWORD_HASH_MEMORY_KIB: integer((n) => n.min(1024).default(19_456)),
  PASSWORD_HASH_PASSES: integer((n) => n.min(1).default(2)),
  DELIVERY_MAX_ATTEMPTS: integer((n) => n.min(1).default(10)),
  DELIVERY_PICKUP_TIMEOUT_SECONDS: integer((n) => n.min(1).default(30 * 60)),
  RATE_LIMIT_REGISTER_PER_MINUTE: integer((n) => n.positive().default(20)),
  RATE_LIMIT_RESEND_PER_MINUTE: integer((n) => n.positive().default(5)),
  ACTIVATION_RESENDS_PER_HOUR: integer((n) => n.positive().default(3)),
  ACTIVATION_RESENDS_PER_ADDRESS_PER_HOUR: integer((n) => n.positive().default(10)),
  RATE_LIMIT_CODE_PER_MINUTE: integer((n) => n.positive().default(10)),
  ACTIVATION_CODE_TRIES_PER_ADDRESS_PER_HOUR: integer((n) => n.positive().default(10)),
  TRUST_PROXY: trustProxy,
  HEALTH_CACHE_SECONDS: integer((n) => n.min(1).max(60).default(5)),
  REGISTRATION_TAKEN_EMAIL: z.enum(['conceal', 'reveal']).default('conceal'),
  ACCOUNT_NOTICE_WINDOW_SECONDS: integer((n) => n.positive().default(60 * 60)),
  REGISTRATION_CEILING_SECONDS: integer((n) => n.positive().default(72 * 60 * 60)),
  MAIL_SOFT_BOUNCES_AS_HARD: integer((n) => n.min(1).default(3)),
  MAIL_SOFT_BOUNCE_WINDOW_SECONDS: integer((n) => n.positive().default(72 * 60 * 60)),
  RATE_LIMIT_ATTEMPT_STATUS_PER_MINUTE: integer((n) => n.positive().default(60)),
  RETENTION_DAYS: integer((n) => n.positive().default(7)),
  RETENTION_BATCH_SIZE: integer((n) => n.positive().max(10_000).default(500)),
  PAYLOAD_KEYS: z.string().default(dev.PAYLOAD_KEYS),
  // No default here: production may leave it unset when the codec uses sign-on (see loadConfig).
  CODEC_TOKEN: z.string().min(1).optional(),
  CODEC_CORS_ORIGINS: z.string().default(dev.CODEC_CORS_ORIGINS),
  CODEC_OIDC_ISSUER: httpUrl.optional(),
  CODEC_OIDC_AUDIENCE: z.string().min(1).optional(),
  CODEC_OIDC_JWKS_URL: httpUrl.optional(),
  CODEC_OIDC_ALGORITHMS: z.string().optional(),
  WORKER_METRICS_ADDRESS: hostPort.optional(),
  API_METRICS_ADDRESS: hostPort.optional(),
  DEAD_COUNT_REFRESH_SECONDS: integer((n) => n.positive().default(30)),
  WORKER_MAX_CACHED_WORKFLOWS: integer((n) => n.min(1).default(100)),
  TEMPORAL_UI_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('http://localhost:8233'),
  ADMIN_SESSION_TTL_SECONDS: integer((n) => n.min(60).default(8 * 60 * 60)),
  RATE_LIMIT_ADMIN_LOGIN_PER_MINUTE: integer((n) => n.positive().default(10)),
  MAIL_EVENTS_SES_TOPIC_ARNS: z.string().optional(),
  MAIL_EVENTS_SES_CERT_HOST_CHECK: z.enum(['on', 'off']).default('on'),
  MAIL_EVENTS_SENDGRID_PUBLIC_KEY: z.string().min(1).optional(),
  MAIL_EVENTS_POSTMARK_CREDENTIALS: z.string().min(1).optional(),
  MAIL_EVENTS_MAILGUN_SIGNING_KEY: z.string().min(1).optional(),
  MAIL_EVENTS_GENERIC_SECRET: z.string().min(16).optional(),
  MAIL_DKIM_DOMAIN: z.string().min(1).optional(),
  MAIL_DKIM_SELECTOR: z.string().min(1).optional(),
  MAIL_DKIM_PRIVATE_KEY: z.string().min(1).optional(),
  LOG_LEVEL: logLevel,
  DEFAULT_LOCALE: z.string().regex(LOCALE_PATTERN, 'must be a language tag such as en or de').default('en'),
  MAIL_TEMPLATES_DIR: z.string().min(1).optional(),
});

export type Config = {
  mongodbUri: string;
  redis: { url: string; keyPrefix: string };
  temporal: { address: string; namespace: string; taskQueue: string };
  smtpUrl: string;
  mailFrom: string;
  port: number;
  publicBaseUrl: string;
  adminToken: string;
  /**
   * `codeKey`: the key of the HMAC Redis keeps of each activation code (domain/activation-codes.ts).
   * `reminderBeforeSeconds`: how long before the window closes the one reminder goes (0: none).
   */
  activation: { tokenSecret: string; ttlSeconds: number; codeKey: string; reminderBeforeSeconds: number };
  passwordHash: { memoryKib: number; passes: number };
  delivery: { maxAttempts: number; pickupTimeoutSeconds: number };
  rateLimits: {
    registerPerMinute: number;
    resendPerMinute: number;
    /** Resends one client (IP, or IPv6 /64) may ask for one address. */
    activationResendsPerHour: number;
    /** Resends of one address from all clients together: what bounds the mails an address can be sent. */
    activationResendsPerAddressPerHour: number;
    adminLoginPerMinute: number;
    /** Activation codes one client (IP, or IPv6 /64) may try, at any addresses. */
    codePerMinute: number;
    /** Activation codes all clients together may try at one address (each code also spends itself after 5). */
    codeTriesPerAddressPerHour: number;
    /** Looks at a registration attempt's status (its API and its page together) one client may make. */
    attemptStatusPerMinute: number;
  };
  /** Whose `X-Forwarded-For` names the client (see config/trust-proxy.ts); the rate limits key on that client. */
  trustProxy: TrustProxy;
  /** How long GET /health reuses one check of the dependencies, so that calls to it cost them nothing more. */
  healthCacheSeconds: number;
  /**
   * `conceal`: a taken e-mail is answered like a new one, and its owner gets at most one notice mail per
   * window; `reveal`: 409 EMAIL_TAKEN, and no notice. `ceilingSeconds`: the most a pending registration
   * holds its address, from its start, whatever resends or replacements happen.
   */
  registration: { takenEmail: 'conceal' | 'reveal'; noticeWindowSeconds: number; ceilingSeconds: number };
  /** The operator console (/admin): how long a login lasts, and where it links a message's workflow. */
  console: { sessionTtlSeconds: number; temporalUiUrl: string };
  /**
   * What a provider's reports do (docs/mail-outcomes.md): `softBouncesAsHard` soft bounces of one address
   * within `softBounceWindowSeconds` count as a hard bounce.
   */
  mailOutcomes: { softBouncesAsHard: number; softBounceWindowSeconds: number };
  retention: { days: number; batchSize: number };
  /** Payload encryption keys by id, the first one current (see infra/payload-codec.ts). */
  payloadKeys: Map<string, Buffer>;
  /**
   * Who may use the codec (api/codec-auth.ts): a client with `token` (unset: none), a person signed on to
   * the Web UI through `signOn`'s identity provider (unset: none), or an operator logged in to the console.
   */
  codec: { token?: string; corsOrigins: string[]; signOn?: CodecSignOn };
  /** Where the worker serves its Prometheus metrics, the Temporal SDK's and its own (host:port); off when unset. */
  workerMetricsAddress?: string;
  /** Where the API serves its Prometheus metrics (host:port), a listener apart from the public port; off when unset. */
  apiMetricsAddress?: string;
  /** How often the worker counts the DEAD messages and confirms in MongoDB for its gauges. */
  deadCountRefreshSeconds: number;
  /** Workflows the worker keeps in memory; the others are replayed from their history when their next task comes. */
  workerMaxCachedWorkflows: number;
  /** Who may post mail events to POST /webhooks/mail-events/{provider}: a provider is off until configured. */
  mailEvents: MailEventsConfig;
  /** DKIM signing of every mail (nodemailer's `dkim`), when a key is given. */
  dkim?: { domainName: string; keySelector: string; privateKey: string };
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  /**
   * The mail and page templates (docs/templates.md): the locale of a registration that names none the
   * person's browser prefers, and a directory whose `<locale>/<file>` replace the built-in ones.
   */
  templates: { defaultLocale: string; overridesDir?: string };
};

/**
 * Reads every setting from the environment (or, for `NAME_FILE`, from the file it names), with defaults
 * that match the local stack of `npm start`. With NODE_ENV=production, a setting that is missing or
 * still a development default is refused.
 */
export function loadConfig(rawEnv: NodeJS.ProcessEnv = process.env): Config {
  const env = withSecretFiles(rawEnv, Object.keys(schema.shape));
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const signOn = parseCodecSignOn(parsed.data);
  const production = env.NODE_ENV === 'production';
  if (production) {
    const problems = productionProblems(env);
    if (problems.length > 0) {
      throw new ConfigError(
        `Refusing to start in production (NODE_ENV=production): ${problems.join('; ')}. ` +
          'Set each of them (or NAME_FILE to a file that holds it); see docs/configuration.md.',
      );
    }
  }
  const e = parsed.data;
  if (e.API_METRICS_ADDRESS && Number(e.API_METRICS_ADDRESS.split(':')[1]) === e.PORT) {
    throw new ConfigError(
      'Invalid configuration: API_METRICS_ADDRESS: must not use PORT, the public port (metrics are not public)',
    );
  }
  return {
    mongodbUri: e.MONGODB_URI,
    redis: { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX },
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.TEMPORAL_TASK_QUEUE },
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    port: e.PORT,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    adminToken: e.ADMIN_TOKEN,
    activation: {
      tokenSecret: e.ACTIVATION_TOKEN_SECRET,
      ttlSeconds: e.ACTIVATION_TTL_SECONDS,
      codeKey: e.ACTIVATION_CODE_KEY,
      reminderBeforeSeconds: e.ACTIVATION_REMINDER_SECONDS,
    },
    passwordHash: { memoryKib: e.PASSWORD_HASH_MEMORY_KIB, passes: e.PASSWORD_HASH_PASSES },
    delivery: { maxAttempts: e.DELIVERY_MAX_ATTEMPTS, pickupTimeoutSeconds: e.DELIVERY_PICKUP_TIMEOUT_SECONDS },
    rateLimits: {
      registerPerMinute: e.RATE_LIMIT_REGISTER_PER_MINUTE,
      resendPerMinute: e.RATE_LIMIT_RESEND_PER_MINUTE,
      activationResendsPerHour: e.ACTIVATION_RESENDS_PER_HOUR,
      activationResendsPerAddressPerHour: e.ACTIVATION_RESENDS_PER_ADDRESS_PER_HOUR,
      adminLoginPerMinute: e.RATE_LIMIT_ADMIN_LOGIN_PER_MINUTE,
      codePerMinute: e.RATE_LIMIT_CODE_PER_MINUTE,
      codeTriesPerAddressPerHour: e.ACTIVATION_CODE_TRIES_PER_ADDRESS_PER_HOUR,
      attemptStatusPerMinute: e.RATE_LIMIT_ATTEMPT_STATUS_PER_MINUTE,
    },
    trustProxy: e.TRUST_PROXY,
    healthCacheSeconds: e.HEALTH_CACHE_SECONDS,
    console: {
      sessionTtlSeconds: e.ADMIN_SESSION_TTL_SECONDS,
      temporalUiUrl: e.TEMPORAL_UI_URL.replace(/\/+$/, ''),
    },
    registration: {
      takenEmail: e.REGISTRATION_TAKEN_EMAIL,
      noticeWindowSeconds: e.ACCOUNT_NOTICE_WINDOW_SECONDS,
      ceilingSeconds: e.REGISTRATION_CEILING_SECONDS,
    },
    mailOutcomes: {
      softBouncesAsHard: e.MAIL_SOFT_BOUNCES_AS_HARD,
      softBounceWindowSeconds: e.MAIL_SOFT_BOUNCE_WINDOW_SECONDS,
    },
    retention: { days: e.RETENTION_DAYS, batchSize: e.RETENTION_BATCH_SIZE },
    payloadKeys: parsePayloadKeys(e.PAYLOAD_KEYS),
    codec: {
      token: e.CODEC_TOKEN ?? (production ? undefined : dev.CODEC_TOKEN),
      signOn,
      corsOrigins: e.CODEC_CORS_ORIGINS.split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    },
    workerMetricsAddress: e.WORKER_METRICS_ADDRESS,
    apiMetricsAddress: e.API_METRICS_ADDRESS,
    deadCountRefreshSeconds: e.DEAD_COUNT_REFRESH_SECONDS,
    workerMaxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
    mailEvents: parseMailEvents(e),
    dkim: parseDkim(e),
    logLevel: e.LOG_LEVEL,
    templates: { defaultLocale: e.DEFAULT_LOCALE, overridesDir: e.MAIL_TEMPLATES_DIR },
  };
}

function parseDkim(e: z.infer<typeof schema>): Config['dkim'] {
  const given = [e.MAIL_DKIM_DOMAIN, e.MAIL_DKIM_SELECTOR, e.MAIL_DKIM_PRIVATE_KEY].filter(Boolean).length;
  if (given === 0) return undefined;
  if (given < 3)
    throw new ConfigError(
      'Invalid configuration: MAIL_DKIM_DOMAIN, MAIL_DKIM_SELECTOR and MAIL_DKIM_PRIVATE_KEY (or _FILE) go together',
    );
  return { domainName: e.MAIL_DKIM_DOMAIN!, keySelector: e.MAIL_DKIM_SELECTOR!, privateKey: e.MAIL_DKIM_PRIVATE_KEY! };
}

/** Only the log level, for modules that log before (or without) the whole configuration. */
export function loadLogLevel(env: NodeJS.ProcessEnv = process.env): z.infer<typeof logLevel> {
  const parsed = logLevel.safeParse(env.LOG_LEVEL);
  return parsed.success ? parsed.data : 'info';
}
