import { ApplicationFailure } from '@temporalio/activity';
import { SpanKind } from '@opentelemetry/api';
import type { Transporter } from 'nodemailer';
import { inSpan } from '../../infra/tracing/tracer';
import { ACCOUNT_EXISTS_NOTICE, ACTIVE_USER, ACTIVE_USER_SUCCESS } from '../../domain/messaging';
import { MAIL_CONSUMER } from '../../domain/subscriptions';
import { deriveActivationCode } from '../../domain/activation-codes';
import { deriveActivationToken } from '../../domain/tokens';
import type { MessageHandler } from './delivery';
import { accountExistsMail, activationMail, activationSucceededMail } from './mail-templates';

/** CID_OPC, paascloud's mail sender: renders the mail for the message's tag and sends it over SMTP. */
export function createMailHandler(deps: {
  mailer: Transporter;
  from: string;
  publicBaseUrl: string;
  tokenSecret: string;
  tokenTtlSeconds: number;
}): MessageHandler {
  return async (message) => {
    const { loginName, email, tokenSalt } = message.body;
    let mail;
    if (message.tag === ACTIVE_USER && tokenSalt) {
      const token = deriveActivationToken(deps.tokenSecret, tokenSalt);
      const link = `${deps.publicBaseUrl}/api/users/activate/${token}`;
      const code = deriveActivationCode(deps.tokenSecret, tokenSalt);
      mail = activationMail(
        loginName,
        { link, code, codePage: `${deps.publicBaseUrl}/activate/code` },
        deps.tokenTtlSeconds,
      );
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
    // The SMTP conversation as a span of its own: the mail's tag and key, never its address or content.
    await inSpan(
      'smtp send',
      { kind: SpanKind.CLIENT, attributes: { 'mail.tag': message.tag, 'mail.message_key': message.messageKey } },
      async (span) => {
        try {
          await deps.mailer.sendMail({
            from: deps.from,
            to: email,
            ...mail,
            // The same Message-ID on a repeated delivery lets mail systems drop the duplicate.
            messageId: `<${message.messageKey}.${MAIL_CONSUMER}@reliable-signup>`,
          });
        } catch (err) {
          const { responseCode } = err as { responseCode?: number };
          if (typeof responseCode === 'number') span.setAttribute('smtp.response_code', responseCode);
          throw classifySmtpFailure(err);
        }
      },
    );
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
