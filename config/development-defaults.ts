/**
 * The defaults that fit the local stack of `npm start` and nothing else: production (NODE_ENV=production)
 * refuses to start while any of them is still in use (config/production.ts).
 */
export const DEVELOPMENT_DEFAULTS = {
  MONGODB_URI: 'mongodb://127.0.0.1:27017/reliable_signup',
  REDIS_URL: 'redis://127.0.0.1:6379',
  TEMPORAL_ADDRESS: '127.0.0.1:7233',
  SMTP_URL: 'smtp://127.0.0.1:1025',
  MAIL_FROM: 'Reliable Signup <no-reply@reliable-signup.local>',
  ADMIN_TOKEN: 'dev-admin-token',
  ACTIVATION_TOKEN_SECRET: 'dev-only-activation-secret-change-me',
  ACTIVATION_CODE_KEY: 'dev-only-activation-code-key-change-me',
  // Published in this repository: anyone can decrypt what it encrypts.
  PAYLOAD_KEYS: 'dev:j2q9gCGFz3Lz8RKYYoaqjJXaiPk/Tp0TfBNFMK6ATmk=',
  CODEC_TOKEN: 'dev-codec-token',
  CODEC_CORS_ORIGINS: 'http://localhost:8233,http://127.0.0.1:8233',
} as const;
