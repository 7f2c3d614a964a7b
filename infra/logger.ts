import pino from 'pino';
import { loadLogLevel } from '../config';

const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;

/** `alice@example.com` → `a***@example.com`: enough to tell mails apart in a log, not to read the address. */
export function maskEmails(text: string): string {
  return text.replace(EMAIL, '$1***@$2');
}

/** Activation tokens and codec tokens travel in URL paths; logs keep the route, not the secret. */
export function redactUrl(url: string): string {
  return url
    .replace(/(\/api\/users\/activate\/)[^/?#]+/, '$1[redacted]')
    .replace(/(\/codec\/)(?!encode|decode)[^/?#]+/, '$1[redacted]');
}

/** A request as the logs show it: its id, method, URL without secrets and the client address. */
export function serializeRequest(req: { id?: unknown; method?: string; url?: string; remoteAddress?: string }) {
  return { id: req.id, method: req.method, url: redactUrl(req.url ?? ''), remoteAddress: req.remoteAddress };
}

function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskEmails(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error)
    return { type: value.name, message: maskEmails(value.message), stack: value.stack && maskEmails(value.stack) };
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, depth + 1)]));
}

/**
 * Structured JSON logs. Passwords, tokens, credentials and keys are redacted wherever they appear;
 * e-mail addresses are masked in every field.
 */
export const logger = pino({
  level: loadLogLevel(),
  redact: {
    paths: [
      'password',
      '*.password',
      'passwordHash',
      '*.passwordHash',
      'token',
      '*.token',
      'tokenSalt',
      '*.tokenSalt',
      'payloadKeys',
      'PAYLOAD_KEYS',
      'req.headers.authorization',
      'req.headers.cookie',
      'req.params.token',
    ],
    censor: '[redacted]',
  },
  serializers: {
    err: pino.stdSerializers.err,
    req: serializeRequest,
  },
  formatters: {
    log: (object) => maskDeep(object) as Record<string, unknown>,
  },
  hooks: {
    logMethod(args, method) {
      method.apply(this, args.map((a) => (typeof a === 'string' ? maskEmails(a) : a)) as Parameters<typeof method>);
    },
  },
});
