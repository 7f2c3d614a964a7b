import { createHmac } from 'node:crypto';
import type Redis from 'ioredis';
import { z } from 'zod';
import type { MailEvent } from '../../domain/mail-events';
import { equalInConstantTime } from './constant-time';
import { assertFresh, jsonOf, MAX_TIMESTAMP_SKEW_MS, WebhookRefusal, type MailEventWebhook } from './types';

const body = z.object({
  signature: z.object({ timestamp: z.string(), token: z.string().min(1).max(200), signature: z.string() }),
  'event-data': z.looseObject({
    id: z.string().min(1),
    event: z.string(),
    severity: z.string().optional(),
    timestamp: z.number(),
    recipient: z.string(),
    reason: z.string().optional(),
    message: z.looseObject({ headers: z.looseObject({ 'message-id': z.string().optional() }).optional() }).optional(),
    'delivery-status': z
      .looseObject({ code: z.number().optional(), message: z.string().optional(), description: z.string().optional() })
      .optional(),
  }),
});

/**
 * A signature's token, once: Mailgun signs only timestamp + token, not the body, so a token seen with one
 * event must not carry another. The same event again (a retry of Mailgun's) passes, and is recorded once.
 */
export interface MailgunTokens {
  spend(token: string, eventId: string): Promise<boolean>;
}

export function redisMailgunTokens(redis: Redis): MailgunTokens {
  return {
    async spend(token, eventId) {
      const key = `mail-events:mailgun-token:${token}`;
      // Kept a little longer than a timestamp stays fresh: after that the token is refused as stale anyway.
      const ttl = Math.ceil((2 * MAX_TIMESTAMP_SKEW_MS) / 1000);
      if (await redis.set(key, eventId, 'EX', ttl, 'NX')) return true;
      return (await redis.get(key)) === eventId;
    },
  };
}

/** `<hex HMAC-SHA256(signing key, timestamp + token)>`, as Mailgun signs its webhooks. */
export function signMailgun(signingKey: string, timestamp: string, token: string): string {
  return createHmac('sha256', signingKey)
    .update(timestamp + token)
    .digest('hex');
}

/** Mailgun's webhooks (one event per post): failed (permanent or temporary), complained, delivered. */
export function mailgunWebhook(config: { signingKey: string }, tokens: MailgunTokens): MailEventWebhook {
  return async (request) => {
    const parsed = body.safeParse(jsonOf(request));
    if (!parsed.success) throw new WebhookRefusal('signature', 'The body carries no Mailgun signature.');
    const { signature, 'event-data': data } = parsed.data;
    const expected = signMailgun(config.signingKey, signature.timestamp, signature.token);
    if (!equalInConstantTime(signature.signature.toLowerCase(), expected))
      throw new WebhookRefusal('signature', 'The Mailgun signature does not match.');
    assertFresh(new Date(Number(signature.timestamp) * 1000));
    if (!(await tokens.spend(signature.token, data.id)))
      throw new WebhookRefusal('replay', 'This signature token was used for another event.');

    const type = typeOf(data.event, data.severity);
    if (!type) return [];
    const messageId = data.message?.headers?.['message-id'];
    const status = data['delivery-status'];
    const event: MailEvent = {
      provider: 'mailgun',
      eventId: data.id,
      type,
      // Mailgun names the mail by its Message-ID, without the angle brackets.
      messageId: messageId ? `<${messageId.replace(/^<|>$/g, '')}>` : undefined,
      recipient: data.recipient,
      diagnostic: [status?.code, status?.message || status?.description || data.reason].filter(Boolean).join(' '),
      at: new Date(data.timestamp * 1000),
    };
    if (type === 'bounce') event.bounceType = 'hard';
    return [event];
  };
}

function typeOf(event: string, severity: string | undefined): MailEvent['type'] | undefined {
  if (event === 'failed') return severity === 'temporary' ? 'delay' : 'bounce';
  if (event === 'complained') return 'complaint';
  if (event === 'delivered') return 'delivery';
  return undefined;
}
