import { z } from 'zod';
import type { MailEvent } from '../../domain/mail-events';
import { equalInConstantTime } from './constant-time';
import { header, jsonOf, timeOf, WebhookRefusal, type MailEventWebhook, type WebhookRequest } from './types';

const body = z.looseObject({
  RecordType: z.string(),
  ID: z.union([z.number(), z.string()]).optional(),
  MessageID: z.string().min(1),
  Type: z.string().optional(),
  Email: z.string().optional(),
  Recipient: z.string().optional(),
  Details: z.string().optional(),
  Description: z.string().optional(),
  BouncedAt: z.string().optional(),
  DeliveredAt: z.string().optional(),
});

/** Postmark's bounce types that mean "never deliverable" (the others are soft or a delay). */
const HARD = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated', 'Blocked', 'AddressChange']);

function verify(config: { username: string; password: string }, request: WebhookRequest): void {
  const authorization = header(request, 'authorization') ?? '';
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization);
  if (!match) throw new WebhookRefusal('signature', 'Basic-auth credentials are missing.');
  const given = Buffer.from(match[1], 'base64').toString('utf8');
  if (!equalInConstantTime(given, `${config.username}:${config.password}`))
    throw new WebhookRefusal('signature', 'The basic-auth credentials are wrong.');
}

/**
 * Postmark's webhooks (Bounce, SpamComplaint, Delivery), behind the basic-auth credentials set in the
 * webhook's URL. Postmark names the mail by its own MessageID (echoed in its SMTP reply), and signs
 * nothing: the credentials are all there is, so the URL must be https.
 */
export function postmarkWebhook(config: { username: string; password: string }): MailEventWebhook {
  return async (request) => {
    verify(config, request);
    const parsed = body.safeParse(jsonOf(request));
    if (!parsed.success) throw new WebhookRefusal('malformed', z.prettifyError(parsed.error));
    const p = parsed.data;
    const recipient = p.Email ?? p.Recipient;
    if (!recipient) throw new WebhookRefusal('malformed', 'The event names no recipient.');
    const base = {
      provider: 'postmark' as const,
      providerMessageId: p.MessageID,
      recipient,
      diagnostic: p.Details || p.Description,
    };
    let event: MailEvent | undefined;
    if (p.RecordType === 'Bounce') {
      const delay = p.Type === 'Transient' || p.Type === 'DnsError';
      event = {
        ...base,
        eventId: `bounce:${p.ID ?? p.MessageID}`,
        type: delay ? 'delay' : 'bounce',
        ...(delay ? {} : { bounceType: HARD.has(p.Type ?? '') ? 'hard' : 'soft' }),
        at: timeOf(p.BouncedAt),
      };
    } else if (p.RecordType === 'SpamComplaint') {
      event = { ...base, eventId: `complaint:${p.ID ?? p.MessageID}`, type: 'complaint', at: timeOf(p.BouncedAt) };
    } else if (p.RecordType === 'Delivery') {
      event = { ...base, eventId: `delivery:${p.MessageID}:${recipient}`, type: 'delivery', at: timeOf(p.DeliveredAt) };
    }
    return event ? [event] : [];
  };
}
