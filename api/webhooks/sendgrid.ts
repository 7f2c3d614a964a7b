import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { MailEvent } from '../../domain/mail-events';
import {
  assertFresh,
  header,
  jsonOf,
  timeOf,
  WebhookRefusal,
  type MailEventWebhook,
  type WebhookRequest,
} from './types';

const SIGNATURE = 'x-twilio-email-event-webhook-signature';
const TIMESTAMP = 'x-twilio-email-event-webhook-timestamp';

const events = z.array(
  z.looseObject({
    email: z.string(),
    event: z.string(),
    timestamp: z.number(),
    sg_event_id: z.string().min(1),
    sg_message_id: z.string().optional(),
    'smtp-id': z.string().optional(),
    type: z.string().optional(),
    reason: z.string().optional(),
    response: z.string().optional(),
    status: z.string().optional(),
  }),
);

/** The key as SendGrid shows it (base64 of the DER public key), or PEM. */
export function sendgridPublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  return trimmed.startsWith('-----BEGIN')
    ? createPublicKey(trimmed)
    : createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
}

function verify(key: KeyObject, request: WebhookRequest): void {
  const signature = header(request, SIGNATURE);
  const timestamp = header(request, TIMESTAMP);
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp))
    throw new WebhookRefusal('signature', `${SIGNATURE} or ${TIMESTAMP} is missing.`);
  const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), request.body]);
  if (!verifySignature('sha256', signed, key, Buffer.from(signature, 'base64')))
    throw new WebhookRefusal('signature', 'The ECDSA signature does not match the timestamp and body.');
  assertFresh(new Date(Number(timestamp) * 1000));
}

/**
 * SendGrid's signed event webhook: ECDSA P-256 (SHA-256) over the timestamp header and the raw body, a
 * batch of events per post. The mail is named by `smtp-id` (its Message-ID) and by `sg_message_id`, whose
 * part before the first dot is the id of SendGrid's SMTP reply ("250 Ok: queued as <id>").
 */
export function sendgridWebhook(config: { publicKey: string }): MailEventWebhook {
  const key = sendgridPublicKey(config.publicKey);
  return async (request) => {
    verify(key, request);
    const parsed = events.safeParse(jsonOf(request));
    if (!parsed.success) throw new WebhookRefusal('malformed', z.prettifyError(parsed.error));
    return parsed.data.flatMap((e): MailEvent[] => {
      const kind = kindOf(e.event, e.type);
      if (!kind) return [];
      return [
        {
          provider: 'sendgrid',
          eventId: e.sg_event_id,
          ...kind,
          messageId: e['smtp-id'],
          providerMessageId: e.sg_message_id?.split('.')[0],
          recipient: e.email,
          diagnostic: [e.status, e.reason ?? e.response].filter(Boolean).join(' ') || undefined,
          at: timeOf(e.timestamp * 1000),
        },
      ];
    });
  };
}

function kindOf(event: string, type: string | undefined): Pick<MailEvent, 'type' | 'bounceType'> | undefined {
  if (event === 'bounce') return { type: 'bounce', bounceType: type === 'blocked' ? 'soft' : 'hard' };
  // SendGrid drops a mail to an address that bounced or complained before: as hard as a bounce.
  if (event === 'dropped') return { type: 'bounce', bounceType: 'hard' };
  if (event === 'spamreport') return { type: 'complaint' };
  if (event === 'deferred') return { type: 'delay' };
  if (event === 'delivered') return { type: 'delivery' };
  return undefined;
}
