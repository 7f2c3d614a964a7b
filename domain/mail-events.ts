/**
 * What a mail provider reports about a mail after the SMTP server accepted it, in one shape whatever
 * the provider: a bounce, a complaint, a delivery or a delay.
 */
export const MAIL_EVENT_PROVIDERS = ['ses', 'sendgrid', 'postmark', 'mailgun', 'generic'] as const;
export type MailEventProvider = (typeof MAIL_EVENT_PROVIDERS)[number];

export const MAIL_EVENT_TYPES = ['bounce', 'complaint', 'delivery', 'delay'] as const;
export type MailEventType = (typeof MAIL_EVENT_TYPES)[number];

export interface MailEvent {
  provider: MailEventProvider;
  /** The provider's own id of the event, or a hash of it: the same event posted twice is recorded once. */
  eventId: string;
  type: MailEventType;
  /** For a bounce: hard (never deliverable) or soft (try again later). */
  bounceType?: 'hard' | 'soft';
  /** The `Message-ID` header the delivery set (`<messageKey.consumerGroup@…>`), when the provider echoes it. */
  messageId?: string;
  /** The provider's id of the mail (from its SMTP reply), when the event names the mail by it. */
  providerMessageId?: string;
  recipient: string;
  /** The remote server's reply or the provider's explanation. */
  diagnostic?: string;
  at: Date;
}

/** The delivery an event is about: one consumer group's delivery of one message. */
export interface MailEventTarget {
  messageKey: string;
  consumerGroup: string;
}

/**
 * What happens to a verified event: recorded once (a duplicate is `duplicate`), and, when it names a
 * delivery this deployment made, applied to that delivery's flow.
 */
export interface MailEventSink {
  accept(event: MailEvent): Promise<'recorded' | 'duplicate' | 'unknown-message'>;
}
