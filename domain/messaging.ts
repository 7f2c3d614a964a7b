/** Topics, tags and states of the reliable-message flow (paascloud's names, see docs/design.md). */
export const SEND_EMAIL_TOPIC = 'SEND_EMAIL_TOPIC';
export const ACTIVE_USER = 'ACTIVE_USER';
export const ACTIVE_USER_SUCCESS = 'ACTIVE_USER_SUCCESS';
/** The one reminder before the activation window closes: the same link and code as the activation mail. */
export const ACTIVE_USER_REMINDER = 'ACTIVE_USER_REMINDER';
/** To the owner of an address someone tried to register again: "if it was you, sign in or reset your password". */
export const ACCOUNT_EXISTS_NOTICE = 'ACCOUNT_EXISTS_NOTICE';
/** Every tag a message on SEND_EMAIL_TOPIC carries. */
export const SEND_EMAIL_TAGS = [ACTIVE_USER, ACTIVE_USER_SUCCESS, ACTIVE_USER_REMINDER, ACCOUNT_EXISTS_NOTICE] as const;
export const PRODUCER_GROUP = 'PID_UAC';

/**
 * BOUNCED and COMPLAINED come after FINISHED, when a provider reports that the accepted mail bounced for
 * good or that its recipient complained (docs/mail-outcomes.md): final, like FINISHED.
 */
export const MESSAGE_STATUSES = [
  'WAIT_SEND',
  'SENDING',
  'FINISHED',
  'CANCELLED',
  'DEAD',
  'BOUNCED',
  'COMPLAINED',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
/** The final states retention deletes once they are old; a DEAD message waits for an operator. */
export const RETAINED_FINAL_STATUSES = [
  'FINISHED',
  'CANCELLED',
  'BOUNCED',
  'COMPLAINED',
] as const satisfies readonly MessageStatus[];

export const CONFIRM_STATUSES = ['UNCONFIRMED', 'CONFIRMED', 'CONSUMED', 'DEAD', 'BOUNCED', 'COMPLAINED'] as const;
export type ConfirmStatus = (typeof CONFIRM_STATUSES)[number];
/** A confirm in one of these states is done with: its consumer handled the message (and a bounce or complaint may have followed). */
export const CONSUMED_STATUSES = ['CONSUMED', 'BOUNCED', 'COMPLAINED'] as const satisfies readonly ConfirmStatus[];

/** What a producer hands to the flow: the body is what every consumer of the topic receives. */
export interface OutgoingMessage {
  messageKey: string;
  topic: string;
  tag: string;
  userId: string;
  /** The workflow that publishes it, so an operator's resend reaches the flow that waits for it. */
  workflowId: string;
  body: MailBody;
}

/** Body of the SEND_EMAIL_TOPIC messages. The activation link's token is derived from `tokenSalt` with a server secret. */
export interface MailBody {
  userId: string;
  loginName: string;
  email: string;
  tokenSalt?: string;
  /** A reminder's: when the activation window closes (ISO 8601), for the mail to say how long is left. */
  windowEndsAt?: string;
  /**
   * The locale the registration chose (docs/templates.md), for every mail of its flow. Absent in messages
   * of registrations started before it existed, and in owner notices: those go in DEFAULT_LOCALE.
   */
  locale?: string;
}

/**
 * What the mail consumer sent, kept in its confirm's audit trail: which template, in which locale, in
 * which version of the files (their content hash), under which subject. Never the body: it holds a live
 * link and code.
 */
export interface SentMail {
  template: string;
  locale: string;
  templateVersion: string;
  subject: string;
}

/** A consumer group subscribed to a topic, and the task queue its deliveries go to. */
export interface Consumer {
  consumerGroup: string;
  taskQueue: string;
}
