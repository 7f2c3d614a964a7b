import pino from 'pino';
import { loadLogLevel } from '../config';

/** An address, its `@` as it is or percent-encoded (`%40`, as in a query string: `?email=alice%40example.com`). */
const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@|%40)([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;

/**
 * Field names whose values never reach a log, at any depth: passwords and their hashes, activation
 * tokens, salts and their hashes, every kind of secret and credential, payload keys.
 */
const SECRET_FIELD =
  /^(password(Hash)?|token(Salt|Hash)?|salt|secret|.*(Secret|Token)|authorization|cookie|payload_?keys)$/i;

/** `alice@example.com` → `a***@example.com`: enough to tell mails apart in a log, not to read the address. */
export function maskEmails(text: string): string {
  return text.replace(EMAIL, '$1***$2$3');
}

/**
 * Activation tokens and codec tokens travel in URL paths; logs keep the route, not the secret. Paths are
 * matched in any case: a request may spell the path so (it then reaches no route, but is logged).
 */
export function redactUrl(url: string): string {
  return url
    .replace(/(\/api\/users\/activate\/)[^/?#\s"']+/gi, '$1[redacted]')
    .replace(/(\/codec\/)(?!(?:en|de)code(?:[/?#\s"']|$))[^/?#\s"']+/gi, '$1[redacted]');
}

/** Any text bound for a log: e-mail addresses masked, tokens in URLs redacted. */
export function scrubText(text: string): string {
  return redactUrl(maskEmails(text));
}

/** A request as the logs show it: its id, method, URL without secrets or addresses, and the client address. */
export function serializeRequest(req: { id?: unknown; method?: string; url?: string; remoteAddress?: string }) {
  return { id: req.id, method: req.method, url: scrubText(req.url ?? ''), remoteAddress: req.remoteAddress };
}

/** A response as the logs show it: its status alone (as pino-http hands it over, or as it is). */
export function serializeResponse(res: { statusCode?: number; raw?: { statusCode?: number } }) {
  return { statusCode: res.raw?.statusCode ?? res.statusCode };
}

/** A copy of `value` fit for a log: secret fields redacted, texts scrubbed, errors with their type and cause. */
function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (depth > 8) return '[nested too deep]';
  const plain: object = value instanceof Error ? pino.stdSerializers.err(value) : value;
  if (Array.isArray(plain)) return plain.map((v) => scrub(v, depth + 1));
  return Object.fromEntries(
    Object.entries(plain).map(([k, v]) => [k, SECRET_FIELD.test(k) ? '[redacted]' : scrub(v, depth + 1)]),
  );
}

/**
 * Pino runs the formatter before the serializers, so a request or response reaches it as the whole
 * live object (socket, headers, parser…). Their serializers keep only what is safe (the request's URL
 * with secrets redacted, the response's status): walking them here would only cost time.
 */
const OWN_SERIALIZER = new Set(['req', 'res']);

/** A log line's fields, or a child logger's bindings, fit for a log (requests and responses left to their serializers). */
function scrubFields(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(object).map(([k, v]) => [
      k,
      OWN_SERIALIZER.has(k) ? v : SECRET_FIELD.test(k) ? '[redacted]' : scrub(v, 1),
    ]),
  );
}

/**
 * Structured JSON logs. Secret fields are redacted wherever they appear, e-mail addresses are masked and
 * tokens in URLs redacted in every text, messages too; in a child logger's bindings as in each line.
 */
export const logger = pino({
  level: loadLogLevel(),
  // Errors are serialized by `scrub` (with their type, code and cause) before the serializers run.
  serializers: { req: serializeRequest, res: serializeResponse, err: (err: unknown) => err },
  formatters: { log: scrubFields },
  hooks: {
    logMethod(args, method) {
      const [first, ...rest] = args as unknown[];
      // logger.error(err) takes its message from the error: scrub it as any other message.
      const scrubbed =
        first instanceof Error && rest.length === 0
          ? [{ err: first }, scrubText(first.message)]
          : [first, ...rest].map((a) => (typeof a === 'string' ? scrubText(a) : a));
      method.apply(this, scrubbed as Parameters<typeof method>);
    },
  },
});

// Pino writes a child's bindings (and `setBindings`') into every line without passing them through the
// formatters (`formatters.bindings` sees the root's pid and hostname only), so they are scrubbed here.
// Every child logger inherits these from the root, pino-http's per-request ones included.
// eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the calling logger as `this`
const pinoChild = logger.child;
// eslint-disable-next-line @typescript-eslint/unbound-method -- likewise
const pinoSetBindings = logger.setBindings;
logger.child = function (this: typeof logger, bindings, options) {
  return pinoChild.call(this, scrubFields(bindings), options);
} as typeof logger.child;
logger.setBindings = function (this: typeof logger, bindings) {
  pinoSetBindings.call(this, scrubFields(bindings));
};
