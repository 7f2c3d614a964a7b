import { ApplicationFailure } from '@temporalio/activity';
import type { Transporter } from 'nodemailer';
import { ACCOUNT_EXISTS_NOTICE, ACTIVE_USER, ACTIVE_USER_SUCCESS, type SentMail } from '../../domain/messaging';
import { MAIL_CONSUMER } from '../../domain/subscriptions';
import { deriveActivationCode } from '../../domain/activation-codes';
import { deriveActivationToken } from '../../domain/tokens';
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
}): MessageHandler {
  const { templates } = deps;
  const render = (message: Parameters<MessageHandler>[0]): [string, RenderedMail] => {
    const { loginName, tokenSalt, locale } = message.body;
    if (message.tag === ACTIVE_USER && tokenSalt) {
      const token = deriveActivationToken(deps.tokenSecret, tokenSalt);
      const variables = {
        loginName,
        link: `${deps.publicBaseUrl}/api/users/activate/${token}`,
        code: deriveActivationCode(deps.tokenSecret, tokenSalt),
        codePage: `${deps.publicBaseUrl}/activate/code`,
        validFor: durationInWords(deps.tokenTtlSeconds, templates.localeFor(locale)),
      };
      return ['activation', templates.mail('activation', locale, variables)];
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
    const [template, mail] = render(message);
    try {
      await deps.mailer.sendMail({
        from: deps.from,
        to: message.body.email,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        // The same Message-ID on a repeated delivery lets mail systems drop the duplicate.
        messageId: `<${message.messageKey}.${MAIL_CONSUMER}@reliable-signup>`,
      });
    } catch (err) {
      throw classifySmtpFailure(err);
    }
    return { template, locale: mail.locale, templateVersion: mail.version, subject: mail.subject };
  };
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
