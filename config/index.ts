import { z } from 'zod';

const schema = z.object({
  MONGODB_URI: z.string().default('mongodb://127.0.0.1:27017/reliable_signup'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]*$/, 'may hold only letters, digits and _ . : -')
    .default('reliable-signup:'),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('reliable-signup'),
  SMTP_URL: z.string().default('smtp://127.0.0.1:1025'),
  MAIL_FROM: z.string().default('Reliable Signup <no-reply@reliable-signup.local>'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_BASE_URL: z.string().url().optional(),
  ADMIN_TOKEN: z.string().min(1).default('dev-admin-token'),
  ACTIVATION_TOKEN_SECRET: z.string().min(16).default('dev-only-activation-secret-change-me'),
  ACTIVATION_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(24 * 60 * 60),
  PASSWORD_HASH_MEMORY_KIB: z.coerce.number().int().min(1024).default(19_456),
  PASSWORD_HASH_PASSES: z.coerce.number().int().min(1).default(2),
  DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_REGISTER_PER_MINUTE: z.coerce.number().int().positive().default(20),
  RATE_LIMIT_RESEND_PER_MINUTE: z.coerce.number().int().positive().default(5),
  ACTIVATION_RESENDS_PER_HOUR: z.coerce.number().int().positive().default(3),
  RETENTION_DAYS: z.coerce.number().int().positive().default(7),
  RETENTION_BATCH_SIZE: z.coerce.number().int().positive().max(10_000).default(500),
  PAYLOAD_KEYS: z.string().default('dev:j2q9gCGFz3Lz8RKYYoaqjJXaiPk/Tp0TfBNFMK6ATmk='),
  CODEC_TOKEN: z.string().min(1).default('dev-codec-token'),
  CODEC_CORS_ORIGINS: z.string().default('http://localhost:8233,http://127.0.0.1:8233'),
  WORKER_METRICS_ADDRESS: z
    .string()
    .regex(/^[^:\s]+:\d{1,5}$/, 'must be host:port')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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
  activation: { tokenSecret: string; ttlSeconds: number };
  passwordHash: { memoryKib: number; passes: number };
  delivery: { maxAttempts: number };
  rateLimits: { registerPerMinute: number; resendPerMinute: number; activationResendsPerHour: number };
  retention: { days: number; batchSize: number };
  /** Payload encryption keys by id, the first one current (see infra/payload-codec.ts). */
  payloadKeys: Map<string, Buffer>;
  codec: { token: string; corsOrigins: string[] };
  /** Where the worker serves the Temporal SDK's Prometheus metrics (host:port); off when unset. */
  workerMetricsAddress?: string;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
};

/** Reads every setting from the environment, with defaults that match the local stack of `npm start`. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    mongodbUri: e.MONGODB_URI,
    redis: { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX },
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.TEMPORAL_TASK_QUEUE },
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    port: e.PORT,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    adminToken: e.ADMIN_TOKEN,
    activation: { tokenSecret: e.ACTIVATION_TOKEN_SECRET, ttlSeconds: e.ACTIVATION_TTL_SECONDS },
    passwordHash: { memoryKib: e.PASSWORD_HASH_MEMORY_KIB, passes: e.PASSWORD_HASH_PASSES },
    delivery: { maxAttempts: e.DELIVERY_MAX_ATTEMPTS },
    rateLimits: {
      registerPerMinute: e.RATE_LIMIT_REGISTER_PER_MINUTE,
      resendPerMinute: e.RATE_LIMIT_RESEND_PER_MINUTE,
      activationResendsPerHour: e.ACTIVATION_RESENDS_PER_HOUR,
    },
    retention: { days: e.RETENTION_DAYS, batchSize: e.RETENTION_BATCH_SIZE },
    payloadKeys: parsePayloadKeys(e.PAYLOAD_KEYS),
    codec: {
      token: e.CODEC_TOKEN,
      corsOrigins: e.CODEC_CORS_ORIGINS.split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    },
    workerMetricsAddress: e.WORKER_METRICS_ADDRESS,
    logLevel: e.LOG_LEVEL,
  };
}

/** `PAYLOAD_KEYS`: `id:base64key[,id:base64key…]`, each key 32 bytes, the first one current. */
function parsePayloadKeys(spec: string): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const entry of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [id, material] = entry.split(':');
    const key = Buffer.from(material ?? '', 'base64');
    if (!id || key.length !== 32)
      throw new Error(`Invalid configuration: PAYLOAD_KEYS entry "${id ?? ''}" must be id:<32 bytes in base64>`);
    keys.set(id, key);
  }
  if (keys.size === 0) throw new Error('Invalid configuration: PAYLOAD_KEYS needs at least one key');
  return keys;
}
