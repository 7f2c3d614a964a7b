/** Topics, tags and states of the reliable-message flow (paascloud's names, see docs/design.md). */
export const SEND_EMAIL_TOPIC = 'SEND_EMAIL_TOPIC';
export const ACTIVE_USER = 'ACTIVE_USER';
export const ACTIVE_USER_SUCCESS = 'ACTIVE_USER_SUCCESS';
/** To the owner of an address someone tried to register again: "if it was you, sign in or reset your password". */
export const ACCOUNT_EXISTS_NOTICE = 'ACCOUNT_EXISTS_NOTICE';
/** Every tag a message on SEND_EMAIL_TOPIC carries. */
export const SEND_EMAIL_TAGS = [ACTIVE_USER, ACTIVE_USER_SUCCESS, ACCOUNT_EXISTS_NOTICE] as const;
export const PRODUCER_GROUP = 'PID_UAC';

export const MESSAGE_STATUSES = ['WAIT_SEND', 'SENDING', 'FINISHED', 'CANCELLED', 'DEAD'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const CONFIRM_STATUSES = ['UNCONFIRMED', 'CONFIRMED', 'CONSUMED', 'DEAD'] as const;
export type ConfirmStatus = (typeof CONFIRM_STATUSES)[number];

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
