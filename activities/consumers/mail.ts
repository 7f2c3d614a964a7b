import { ApplicationFailure } from '@temporalio/activity';
import { SpanKind } from '@opentelemetry/api';
import type { Transporter } from 'nodemailer';
import { inSpan } from '../../infra/tracing/tracer';
import {
  ACCOUNT_EXISTS_NOTICE,
  ACTIVE_USER,
  ACTIVE_USER_REMINDER,
  ACTIVE_USER_SUCCESS,
  type SentMail,
} from '../../domain/messaging';
import { MAIL_CONSUMER } from '../../domain/subscriptions';
import { deriveActivationCode } from '../../domain/activation-codes';
import { deriveActivationToken } from '../../domain/tokens';
import { Confirm, confirmId } from '../../domain/models';
import { SUPPRESSED } from '../../domain/delivery';
import type { RenderedMail, TemplateSet } from '../../infra/templates/template-set';
import { durationInWords } from '../../infra/templates/duration';
import type { MessageHandler } from './delivery';

/**
 * CID_OPC, paascloud's mail sender: renders the mail for the message's tag from the templates, in the
 * registration's locale, sends it over SMTP, and answers what it sent for the audit trail.
 */
export function createMailHandler(deps: {
  mailer: Transporter;
  from: string;
  publicBaseUrl: string;
  tokenSecret: string;
  tokenTtlSeconds: number;
  templates: TemplateSet;
  /** Keeps the server's reply with the delivery (recordSmtpReply), for provider events that name the mail by it. */
  recordAccepted: (messageKey: string, reply: AcceptedReply) => Promise<void>;
  /** The address's entry on the suppression list (domain/suppression-list.ts), if it has one. */
  suppressionOf: (email: string) => Promise<{ reason: string } | null>;
}): MessageHandler {
  const { templates } = deps;
  /** The link and the code the token salt derives, and the page the code is entered on. */
  const meansOf = (tokenSalt: string) => ({
    link: `${deps.publicBaseUrl}/api/users/activate/${deriveActivationToken(deps.tokenSecret, tokenSalt)}`,
    code: deriveActivationCode(deps.tokenSecret, tokenSalt),
    codePage: `${deps.publicBaseUrl}/activate/code`,
  });
  const render = (message: Parameters<MessageHandler>[0]): [string, RenderedMail] => {
    const { loginName, tokenSalt, locale, windowEndsAt } = message.body;
    const inWords = (seconds: number) => durationInWords(seconds, templates.localeFor(locale));
    if (message.tag === ACTIVE_USER && tokenSalt) {
      const variables = { loginName, ...meansOf(tokenSalt), validFor: inWords(deps.tokenTtlSeconds) };
      return ['activation', templates.mail('activation', locale, variables)];
    }
    if (message.tag === ACTIVE_USER_REMINDER && tokenSalt && windowEndsAt) {
      const leftSeconds = (Date.parse(windowEndsAt) - Date.now()) / 1000;
      if (!(leftSeconds > 0)) {
        throw ApplicationFailure.create({
          type: 'REMINDER_TOO_LATE',
          message: 'the activation window closed before the reminder could leave',
          nonRetryable: true,
        });
      }
      const variables = { loginName, ...meansOf(tokenSalt), timeLeft: inWords(leftSeconds) };
      return ['reminder', templates.mail('reminder', locale, variables)];
    }
    if (message.tag === ACTIVE_USER_SUCCESS) return ['success', templates.mail('success', locale, { loginName })];
    if (message.tag === ACCOUNT_EXISTS_NOTICE) return ['account-exists', templates.mail('account-exists', locale, {})];
    throw ApplicationFailure.create({
      type: 'UNKNOWN_TAG',
      message: `no mail template for tag ${message.tag}`,
      nonRetryable: true,
    });
  };

  return async (message): Promise<SentMail> => {
    const suppressed = await deps.suppressionOf(message.body.email);
    if (suppressed) throw suppressedFailure(suppressed.reason);
    const [template, mail] = render(message);
    // The SMTP conversation as a span of its own: the mail's tag and key, never its address or content.
    const info: { response?: unknown } = await inSpan(
      'smtp send',
      { kind: SpanKind.CLIENT, attributes: { 'mail.tag': message.tag, 'mail.message_key': message.messageKey } },
      async (span) => {
        try {
          return await deps.mailer.sendMail({
            from: deps.from,
            to: message.body.email,
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            // The same Message-ID on a repeated delivery lets mail systems drop the duplicate, and provider
            // events name the delivery by it.
            messageId: mailMessageId(message.messageKey),
            // RFC 3834: no auto-reply (vacation notices, …) to a mail no one typed.
            headers: { 'Auto-Submitted': 'auto-generated' },
          });
        } catch (err) {
          const { responseCode } = err as { responseCode?: number };
          if (typeof responseCode === 'number') span.setAttribute('smtp.response_code', responseCode);
          throw classifySmtpFailure(err);
        }
      },
    );
    if (typeof info.response === 'string') {
      // Sent: a reply that is not kept only costs provider events that name the mail by the provider's id.
      await deps.recordAccepted(message.messageKey, acceptedReply(info.response)).catch(() => undefined);
    }
    return { template, locale: mail.locale, templateVersion: mail.version, subject: mail.subject };
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
