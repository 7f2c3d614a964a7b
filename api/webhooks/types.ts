import type { IncomingHttpHeaders } from 'node:http';
import type { MailEvent } from '../../domain/mail-events';

/** A provider's post as it arrived: the signatures cover the raw bytes, never a re-serialised body. */
export interface WebhookRequest {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One provider's check of its own signature and reading of its own format; refuses with WebhookRefusal. */
export type MailEventWebhook = (request: WebhookRequest) => Promise<MailEvent[]>;

/** Why a post was refused: the `reason` label of the refusals metric. */
export const REFUSAL_REASONS = [
  'off',
  'too-large',
  'signature',
  'stale',
  'replay',
  'topic',
  'malformed',
  'sns-unavailable',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

const ANSWERS: Record<RefusalReason, { status: number; code: string }> = {
  off: { status: 404, code: 'PROVIDER_OFF' },
  'too-large': { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  signature: { status: 401, code: 'SIGNATURE_INVALID' },
  stale: { status: 401, code: 'TIMESTAMP_STALE' },
  replay: { status: 401, code: 'REPLAYED' },
  topic: { status: 403, code: 'TOPIC_NOT_ALLOWED' },
  malformed: { status: 400, code: 'MALFORMED_EVENT' },
  'sns-unavailable': { status: 503, code: 'SNS_UNAVAILABLE' },
};

/** A post the webhook does not take: nothing of it is recorded. */
export class WebhookRefusal extends Error {
  readonly status: number;
  readonly code: string;
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
    ({ status: this.status, code: this.code } = ANSWERS[reason]);
  }
}

/** How old (or how far ahead) a signed timestamp may be: a captured post cannot be replayed later than this. */
export const MAX_TIMESTAMP_SKEW_MS = 5 * 60 * 1000;

/** Refuses a signed time more than five minutes from now, either way. */
export function assertFresh(at: Date, now = new Date()): void {
  if (Number.isNaN(at.getTime())) throw new WebhookRefusal('signature', 'The signed timestamp is not a time.');
  if (Math.abs(now.getTime() - at.getTime()) > MAX_TIMESTAMP_SKEW_MS)
    throw new WebhookRefusal('stale', 'The signed timestamp is more than 5 minutes from now.');
}

/** The one value of a header, or undefined. */
export function header(request: WebhookRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The body as JSON, after its signature was checked. */
export function jsonOf(request: WebhookRequest): unknown {
  try {
    return JSON.parse(request.body.toString('utf8')) as unknown;
  } catch {
    throw new WebhookRefusal('malformed', 'The body is not JSON.');
  }
}

/** A provider's time (ISO text, or epoch milliseconds), or now when it gives none that reads as a time. */
export function timeOf(value: string | number | undefined): Date {
  const at = value === undefined ? new Date(NaN) : new Date(value);
  return Number.isNaN(at.getTime()) ? new Date() : at;
}
