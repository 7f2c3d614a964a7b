import { ConfigError } from './error';

/**
 * The generic webhook's secret that `npm start` sets for its mail simulator (stack/mail-simulator.ts):
 * published here, so production refuses it. Not a default: a provider is off until its secret is set.
 */
export const DEVELOPMENT_MAIL_EVENTS_SECRET = 'dev-only-mail-events-secret-change-me';

/**
 * Who may post mail events (api/webhooks/): each provider is off until its secret is set. `sesCertHostCheck`
 * `off` lets SNS signing certificates come from any URL, for a test that serves its own; production refuses it.
 */
export interface MailEventsConfig {
  ses?: { topicArns: string[]; certHostCheck: 'on' | 'off' };
  /** The public key SendGrid shows for its signed event webhook (base64 DER, or PEM). */
  sendgrid?: { publicKey: string };
  postmark?: { username: string; password: string };
  mailgun?: { signingKey: string };
  generic?: { secret: string };
}

export interface MailEventsEnv {
  MAIL_EVENTS_SES_TOPIC_ARNS?: string;
  MAIL_EVENTS_SES_CERT_HOST_CHECK: 'on' | 'off';
  MAIL_EVENTS_SENDGRID_PUBLIC_KEY?: string;
  MAIL_EVENTS_POSTMARK_CREDENTIALS?: string;
  MAIL_EVENTS_MAILGUN_SIGNING_KEY?: string;
  MAIL_EVENTS_GENERIC_SECRET?: string;
}

export function parseMailEvents(env: MailEventsEnv): MailEventsConfig {
  const topicArns = (env.MAIL_EVENTS_SES_TOPIC_ARNS ?? '')
    .split(',')
    .map((arn) => arn.trim())
    .filter(Boolean);
  let postmark: MailEventsConfig['postmark'];
  if (env.MAIL_EVENTS_POSTMARK_CREDENTIALS) {
    const colon = env.MAIL_EVENTS_POSTMARK_CREDENTIALS.indexOf(':');
    if (colon < 1)
      throw new ConfigError('Invalid configuration: MAIL_EVENTS_POSTMARK_CREDENTIALS: must be user:password');
    postmark = {
      username: env.MAIL_EVENTS_POSTMARK_CREDENTIALS.slice(0, colon),
      password: env.MAIL_EVENTS_POSTMARK_CREDENTIALS.slice(colon + 1),
    };
  }
  return {
    ses: topicArns.length ? { topicArns, certHostCheck: env.MAIL_EVENTS_SES_CERT_HOST_CHECK } : undefined,
    sendgrid: env.MAIL_EVENTS_SENDGRID_PUBLIC_KEY ? { publicKey: env.MAIL_EVENTS_SENDGRID_PUBLIC_KEY } : undefined,
    postmark,
    mailgun: env.MAIL_EVENTS_MAILGUN_SIGNING_KEY ? { signingKey: env.MAIL_EVENTS_MAILGUN_SIGNING_KEY } : undefined,
    generic: env.MAIL_EVENTS_GENERIC_SECRET ? { secret: env.MAIL_EVENTS_GENERIC_SECRET } : undefined,
  };
}
