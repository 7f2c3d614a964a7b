import { verify as verifySignature } from 'node:crypto';
import { z } from 'zod';
import type { MailEvent } from '../../domain/mail-events';
import { logger } from '../../infra/logger';
import { isSnsUrl, snsCertificates, type SnsHosts } from './sns-certificates';
import { assertFresh, jsonOf, timeOf, WebhookRefusal, type MailEventWebhook } from './types';

const snsMessage = z.object({
  Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
  MessageId: z.string().min(1),
  TopicArn: z.string().min(1),
  Subject: z.string().optional(),
  Message: z.string(),
  Timestamp: z.string(),
  SignatureVersion: z.enum(['1', '2']),
  Signature: z.string().min(1),
  SigningCertURL: z.string(),
  SubscribeURL: z.string().optional(),
  Token: z.string().optional(),
});
type SnsMessage = z.infer<typeof snsMessage>;

/** The fields SNS signs, in this order, as `name\nvalue\n` (Subject only when present). */
export function snsStringToSign(m: SnsMessage): string {
  const fields: (keyof SnsMessage)[] =
    m.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return fields
    .filter((name) => m[name] !== undefined)
    .map((name) => `${name}\n${m[name]}\n`)
    .join('');
}

const recipient = z.looseObject({ emailAddress: z.string(), diagnosticCode: z.string().optional() });
/** SES's notification (notificationType) or event publishing (eventType), the parts read here. */
const sesNotification = z.looseObject({
  notificationType: z.string().optional(),
  eventType: z.string().optional(),
  mail: z.looseObject({
    messageId: z.string(),
    commonHeaders: z.looseObject({ messageId: z.string().optional() }).optional(),
  }),
  bounce: z
    .looseObject({ bounceType: z.string(), bouncedRecipients: z.array(recipient), timestamp: z.string().optional() })
    .optional(),
  complaint: z.looseObject({ complainedRecipients: z.array(recipient), timestamp: z.string().optional() }).optional(),
  delivery: z
    .looseObject({
      recipients: z.array(z.string()),
      timestamp: z.string().optional(),
      smtpResponse: z.string().optional(),
    })
    .optional(),
  deliveryDelay: z
    .looseObject({
      delayedRecipients: z.array(recipient),
      timestamp: z.string().optional(),
      delayType: z.string().optional(),
    })
    .optional(),
});

/**
 * Amazon SES notifications through Amazon SNS: the SNS signature (version 1, SHA1, and 2, SHA256) with a
 * certificate from SNS's own host, a topic of the allow-list, a fresh timestamp. A SubscriptionConfirmation
 * of an allowed topic is confirmed by visiting its SubscribeURL.
 */
export function sesWebhook(
  config: { topicArns: string[] } & SnsHosts,
  deps: { signingKey?: ReturnType<typeof snsCertificates>; visit?: (url: string) => Promise<void> } = {},
): MailEventWebhook {
  const signingKey = deps.signingKey ?? snsCertificates(config);
  const visit = deps.visit ?? visitSubscribeUrl;
  return async (request) => {
    const parsed = snsMessage.safeParse(jsonOf(request));
    if (!parsed.success) throw new WebhookRefusal('signature', 'The body is not a signed Amazon SNS message.');
    const m = parsed.data;
    const key = await signingKey(m.SigningCertURL);
    const algorithm = m.SignatureVersion === '1' ? 'sha1' : 'sha256';
    if (!verifySignature(algorithm, Buffer.from(snsStringToSign(m), 'utf8'), key, Buffer.from(m.Signature, 'base64')))
      throw new WebhookRefusal('signature', 'The SNS signature does not match the message.');
    assertFresh(new Date(m.Timestamp));
    if (!config.topicArns.includes(m.TopicArn))
      throw new WebhookRefusal('topic', 'The topic is not one this deployment takes events from.');

    if (m.Type === 'SubscriptionConfirmation') {
      if (!m.SubscribeURL || !isSnsUrl(m.SubscribeURL, config, 'link'))
        throw new WebhookRefusal('malformed', 'SubscribeURL is not an Amazon SNS address.');
      await visit(m.SubscribeURL);
      logger.info({ topicArn: m.TopicArn }, 'SNS subscription confirmed');
      return [];
    }
    if (m.Type === 'UnsubscribeConfirmation') return [];
    let notification: unknown;
    try {
      notification = JSON.parse(m.Message);
    } catch {
      throw new WebhookRefusal('malformed', 'The SNS message is not an SES notification.');
    }
    const ses = sesNotification.safeParse(notification);
    if (!ses.success) throw new WebhookRefusal('malformed', z.prettifyError(ses.error));
    return eventsOf(ses.data, m.MessageId);
  };
}

function eventsOf(n: z.infer<typeof sesNotification>, snsMessageId: string): MailEvent[] {
  const kind = n.notificationType ?? n.eventType;
  const common = (recipientAddress: string, at: string | undefined) => ({
    provider: 'ses' as const,
    // One SNS message per SES notification, SNS's id the same on each of its retries; a notification may
    // name several recipients.
    eventId: `${snsMessageId}:${recipientAddress}`,
    messageId: n.mail.commonHeaders?.messageId,
    providerMessageId: n.mail.messageId,
    recipient: recipientAddress,
    at: timeOf(at),
  });
  if (kind === 'Bounce' && n.bounce) {
    const bounce = n.bounce;
    const bounceType = bounce.bounceType === 'Permanent' ? 'hard' : 'soft';
    return bounce.bouncedRecipients.map((r) => ({
      ...common(r.emailAddress, bounce.timestamp),
      type: 'bounce',
      bounceType,
      diagnostic: r.diagnosticCode,
    }));
  }
  if (kind === 'Complaint' && n.complaint) {
    const complaint = n.complaint;
    return complaint.complainedRecipients.map((r) => ({
      ...common(r.emailAddress, complaint.timestamp),
      type: 'complaint',
    }));
  }
  if (kind === 'Delivery' && n.delivery) {
    const delivery = n.delivery;
    return delivery.recipients.map((r) => ({
      ...common(r, delivery.timestamp),
      type: 'delivery',
      diagnostic: delivery.smtpResponse,
    }));
  }
  if (kind === 'DeliveryDelay' && n.deliveryDelay) {
    const delay = n.deliveryDelay;
    return delay.delayedRecipients.map((r) => ({
      ...common(r.emailAddress, delay.timestamp),
      type: 'delay',
      diagnostic: r.diagnosticCode ?? delay.delayType,
    }));
  }
  return [];
}

async function visitSubscribeUrl(url: string): Promise<void> {
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
  if (!res?.ok) throw new WebhookRefusal('sns-unavailable', 'Amazon SNS did not take the subscription confirmation.');
}
