import { ApplicationFailure } from '@temporalio/activity';
import type { Transporter } from 'nodemailer';
import { ACCOUNT_EXISTS_NOTICE, ACTIVE_USER, ACTIVE_USER_REMINDER, ACTIVE_USER_SUCCESS } from '../../domain/messaging';
import { MAIL_CONSUMER } from '../../domain/subscriptions';
import { deriveActivationCode } from '../../domain/activation-codes';
import { deriveActivationToken } from '../../domain/tokens';
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
    try {
      await deps.mailer.sendMail({
        from: deps.from,
        to: email,
        ...mail,
        // The same Message-ID on a repeated delivery lets mail systems drop the duplicate.
        messageId: `<${message.messageKey}.${MAIL_CONSUMER}@reliable-signup>`,
      });
    } catch (err) {
      throw classifySmtpFailure(err);
    }
  };
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
