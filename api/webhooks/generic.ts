import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';
import { MAIL_EVENT_TYPES, type MailEvent } from '../../domain/mail-events';
import { equalInConstantTime } from './constant-time';
import { eventsOfDeliveryReport } from './delivery-report';
import { assertFresh, header, jsonOf, WebhookRefusal, type MailEventWebhook, type WebhookRequest } from './types';

/** The body of a JSON event for the generic webhook (docs/mail-events.md). */
export const genericEventBody = z.strictObject({
  /** The sender's id of the event; without it, the same body posted again is the same event. */
  id: z.string().min(1).max(200).optional(),
  type: z.enum(MAIL_EVENT_TYPES),
  messageId: z.string().min(3).max(998),
  recipient: z.string().min(3).max(320),
  bounceType: z.enum(['hard', 'soft']).optional(),
  diagnostic: z.string().max(2000).optional(),
  at: z.iso.datetime({ offset: true }).optional(),
});

/** `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>` (several v1 while a secret rotates). */
export function signGeneric(secret: string, body: string | Buffer, t = Math.floor(Date.now() / 1000)): string {
  const mac = createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
  return `t=${t},v1=${mac}`;
}

function verify(secret: string, request: WebhookRequest): void {
  const signature = header(request, 'x-signature');
  if (!signature) throw new WebhookRefusal('signature', 'X-Signature is missing.');
  const parts = signature.split(',').map((part) => part.trim().split('=', 2) as [string, string?]);
  const t = parts.find(([k]) => k === 't')?.[1];
  const given = parts.filter(([k]) => k === 'v1').map(([, v]) => v ?? '');
  if (!t || !/^\d{1,12}$/.test(t) || given.length === 0)
    throw new WebhookRefusal('signature', 'X-Signature is not t=<unix seconds>,v1=<hex>.');
  const expected = signGeneric(secret, request.body, Number(t)).split('v1=')[1];
  if (!given.some((v) => equalInConstantTime(v.toLowerCase(), expected)))
    throw new WebhookRefusal('signature', 'X-Signature does not match the body.');
  assertFresh(new Date(Number(t) * 1000));
}

/** For self-hosted mail servers: a JSON event, or a raw RFC 3464 delivery report, each signed with the shared secret. */
export function genericWebhook(config: { secret: string }): MailEventWebhook {
  return async (request) => {
    verify(config.secret, request);
    const contentType = header(request, 'content-type') ?? '';
    if (/^(message\/rfc822|multipart\/report)\b/i.test(contentType)) {
      return (await eventsOfDeliveryReport(request.body)).map((e) => ({ ...e, provider: 'generic' as const }));
    }
    const parsed = genericEventBody.safeParse(jsonOf(request));
    if (!parsed.success) throw new WebhookRefusal('malformed', z.prettifyError(parsed.error));
    const body = parsed.data;
    const event: MailEvent = {
      provider: 'generic',
      eventId: body.id ?? createHash('sha256').update(request.body).digest('hex'),
      type: body.type,
      messageId: body.messageId,
      recipient: body.recipient,
      diagnostic: body.diagnostic,
      at: body.at ? new Date(body.at) : new Date(),
    };
    if (body.type === 'bounce') event.bounceType = body.bounceType ?? 'hard';
    return [event];
  };
}
