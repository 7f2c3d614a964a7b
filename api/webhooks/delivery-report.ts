import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';
import type { MailEvent } from '../../domain/mail-events';
import { WebhookRefusal } from './types';

/**
 * A delivery status notification (RFC 3464: a `multipart/report; report-type=delivery-status` mail, as a
 * bounce mailbox receives it) read as one event per recipient it reports on. The sent mail's Message-ID
 * comes from the returned headers (`text/rfc822-headers`) or message (`message/rfc822`).
 */
export async function eventsOfDeliveryReport(raw: Buffer): Promise<Omit<MailEvent, 'provider'>[]> {
  const report = await simpleParser(raw, { keepDeliveryStatus: true });
  const status = report.attachments.find((a) => a.contentType === 'message/delivery-status');
  if (!status) throw new WebhookRefusal('malformed', 'The body is not a delivery status notification (RFC 3464).');
  const returned = report.attachments.find((a) => /^(message\/rfc822|text\/rfc822-headers)$/.test(a.contentType));
  const messageId = returned ? (await simpleParser(returned.content)).messageId : undefined;
  // The per-message fields, then one block of fields per recipient, separated by blank lines.
  const [perMessage, ...perRecipient] = await Promise.all(
    status.content
      .toString('utf8')
      .split(/\r?\n\s*\r?\n/)
      .filter((block) => block.trim())
      .map(async (block) => (await simpleParser(block)).headers),
  );
  const arrival = dateOf(perMessage?.get('arrival-date'));
  const events: Omit<MailEvent, 'provider'>[] = [];
  for (const fields of perRecipient) {
    const recipient = addressOf(fields.get('final-recipient') ?? fields.get('original-recipient'));
    const action = textOf(fields.get('action')).toLowerCase();
    const code = textOf(fields.get('status'));
    if (!recipient || !action) continue;
    const type = action === 'failed' ? 'bounce' : action === 'delayed' ? 'delay' : 'delivery';
    const diagnostic = fields.get('diagnostic-code');
    events.push({
      eventId: `dsn:${createHash('sha256')
        .update(`${report.messageId ?? raw.toString('base64')}\n${recipient}\n${action}\n${code}`)
        .digest('hex')}`,
      type,
      ...(type === 'bounce' ? { bounceType: code.startsWith('5') ? 'hard' : 'soft' } : {}),
      messageId,
      recipient,
      diagnostic: [code, typeof diagnostic === 'string' ? diagnostic.replace(/^\w+;\s*/, '') : undefined]
        .filter(Boolean)
        .join(' '),
      at: dateOf(fields.get('last-attempt-date')) ?? arrival ?? report.date ?? new Date(),
    });
  }
  if (events.length === 0)
    throw new WebhookRefusal('malformed', 'The delivery status notification names no recipient.');
  return events;
}

const textOf = (field: unknown) => (typeof field === 'string' ? field.trim() : '');

/** `rfc822; someone@example.com` → `someone@example.com`. */
function addressOf(field: unknown): string | undefined {
  if (typeof field !== 'string') return undefined;
  return field.replace(/^[^;]*;\s*/, '').trim() || undefined;
}

function dateOf(field: unknown): Date | undefined {
  if (field instanceof Date) return field;
  if (typeof field !== 'string') return undefined;
  const at = new Date(field);
  return Number.isNaN(at.getTime()) ? undefined : at;
}
