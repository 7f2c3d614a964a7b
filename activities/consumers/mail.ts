import { ApplicationFailure } from '@temporalio/activity';
import type { Transporter } from 'nodemailer';
import { ACCOUNT_EXISTS_NOTICE, ACTIVE_USER, ACTIVE_USER_REMINDER, ACTIVE_USER_SUCCESS } from '../../domain/messaging';
import { MAIL_CONSUMER } from '../../domain/subscriptions';
import { deriveActivationCode } from '../../domain/activation-codes';
import { deriveActivationToken } from '../../domain/tokens';
import { Confirm, confirmId } from '../../domain/models';
import { SUPPRESSED } from '../../domain/delivery';
import type { MessageHandler } from './delivery';
import {
  accountExistsMail,
  activationMail,
  activationReminderMail,
  activationSucceededMail,
  type ActivationMeans,
} from './mail-templates';

/** CID_OPC, paascloud's mail sender: renders the mail for the message's tag and sends it over SMTP. */
export function createMailHandler(deps: {
  mailer: Transporter;
  from: string;
  publicBaseUrl: string;
  tokenSecret: string;
  tokenTtlSeconds: number;
  /** Keeps the server's reply with the delivery (recordSmtpReply), for provider events that name the mail by it. */
  recordAccepted: (messageKey: string, reply: AcceptedReply) => Promise<void>;
  /** The address's entry on the suppression list (domain/suppression-list.ts), if it has one. */
  suppressionOf: (email: string) => Promise<{ reason: string } | null>;
}): MessageHandler {
  /** The link and the code the token salt derives, and the page the code is entered on. */
  const meansOf = (tokenSalt: string): ActivationMeans => ({
    link: `${deps.publicBaseUrl}/api/users/activate/${deriveActivationToken(deps.tokenSecret, tokenSalt)}`,
    code: deriveActivationCode(deps.tokenSecret, tokenSalt),
    codePage: `${deps.publicBaseUrl}/activate/code`,
  });
  return async (message) => {
    const { loginName, email, tokenSalt, windowEndsAt } = message.body;
    const suppressed = await deps.suppressionOf(email);
    if (suppressed) throw suppressedFailure(suppressed.reason);
    let mail;
    if (message.tag === ACTIVE_USER && tokenSalt) {
      mail = activationMail(loginName, meansOf(tokenSalt), deps.tokenTtlSeconds);
    } else if (message.tag === ACTIVE_USER_REMINDER && tokenSalt && windowEndsAt) {
      const leftSeconds = (Date.parse(windowEndsAt) - Date.now()) / 1000;
      if (!(leftSeconds > 0)) {
        throw ApplicationFailure.create({
          type: 'REMINDER_TOO_LATE',
          message: 'the activation window closed before the reminder could leave',
          nonRetryable: true,
        });
      }
      mail = activationReminderMail(loginName, meansOf(tokenSalt), leftSeconds);
    } else if (message.tag === ACTIVE_USER_SUCCESS) {
      mail = activationSucceededMail(loginName);
    } else if (message.tag === ACCOUNT_EXISTS_NOTICE) {
      mail = accountExistsMail();
    } else {
      throw ApplicationFailure.create({
        type: 'UNKNOWN_TAG',
        message: `no mail template for tag ${message.tag}`,
        nonRetryable: true,
      });
    }
    let info: { response?: unknown };
    try {
      info = await deps.mailer.sendMail({
        from: deps.from,
        to: email,
        ...mail,
        // The same Message-ID on a repeated delivery lets mail systems drop the duplicate, and provider
        // events name the delivery by it.
        messageId: mailMessageId(message.messageKey),
        // RFC 3834: no auto-reply (vacation notices, …) to a mail no one typed.
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    } catch (err) {
      throw classifySmtpFailure(err);
    }
    if (typeof info.response === 'string') {
      // Sent: a reply that is not kept only costs provider events that name the mail by the provider's id.
      await deps.recordAccepted(message.messageKey, acceptedReply(info.response)).catch(() => undefined);
    }
  };
}

/** The Message-ID of the mail of one message: `<messageKey.CID_OPC@reliable-signup>`. */
export const mailMessageId = (messageKey: string) => `<${messageKey}.${MAIL_CONSUMER}@reliable-signup>`;

export interface AcceptedReply {
  smtpResponse: string;
  providerMessageId?: string;
}

/**
 * The provider's id of the mail in its `250` reply, where it gives one: `250 Ok 0100018c…-000000` (SES),
 * `250 Ok: queued as <id>` (SendGrid, Postmark, Postfix).
 */
export function acceptedReply(response: string): AcceptedReply {
  const id =
    /\bqueued as <?([^\s>]+)>?/i.exec(response)?.[1] ??
    /^250 (?:2\.0\.0 )?Ok <?([\w.-]{16,})>?\s*$/i.exec(response)?.[1];
  return { smtpResponse: response.slice(0, 500), ...(id ? { providerMessageId: id } : {}) };
}

/** Keeps the SMTP server's reply with the mail delivery's confirm. */
export async function recordSmtpReply(messageKey: string, reply: AcceptedReply): Promise<void> {
  await Confirm.updateOne({ _id: confirmId(messageKey, MAIL_CONSUMER) }, { $set: reply });
}

/**
 * A suppressed address (a hard bounce or a complaint before) is never sent to again: the delivery fails
 * for good before any SMTP traffic, and its confirm and message become DEAD with this as their error.
 */
export function suppressedFailure(reason: string) {
  return ApplicationFailure.create({
    type: SUPPRESSED,
    message: `${SUPPRESSED}: the address is on the suppression list (${reason})`,
    nonRetryable: true,
  });
}

/**
 * An SMTP server's 5xx reply (550 mailbox unavailable, 553 bad address, …) means "never": the delivery
 * fails for good at once, with the server's reply as its error, instead of asking again for minutes.
 * 4xx replies and connection failures stay retryable.
 */
export function classifySmtpFailure(err: unknown): unknown {
  const { responseCode, response } = err as { responseCode?: number; response?: string };
  if (typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600) {
    return ApplicationFailure.create({
      type: 'SMTP_REJECTED',
      message: (response ?? `SMTP ${responseCode}`).trim(),
      nonRetryable: true,
    });
  }
  return err;
}
