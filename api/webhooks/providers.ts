import type Redis from 'ioredis';
import type { MailEventsConfig } from '../../config/mail-events';
import type { MailEventProvider } from '../../domain/mail-events';
import { genericWebhook } from './generic';
import { mailgunWebhook, redisMailgunTokens } from './mailgun';
import { postmarkWebhook } from './postmark';
import { sendgridWebhook } from './sendgrid';
import { sesWebhook } from './ses';
import type { MailEventWebhook } from './types';

/** The webhook of each provider whose secret is configured; the others are off. */
export function configuredWebhooks(
  config: MailEventsConfig,
  redis: Redis,
): Partial<Record<MailEventProvider, MailEventWebhook>> {
  return {
    ...(config.ses && { ses: sesWebhook({ topicArns: config.ses.topicArns, hostCheck: config.ses.certHostCheck }) }),
    ...(config.sendgrid && { sendgrid: sendgridWebhook(config.sendgrid) }),
    ...(config.postmark && { postmark: postmarkWebhook(config.postmark) }),
    ...(config.mailgun && { mailgun: mailgunWebhook(config.mailgun, redisMailgunTokens(redis)) }),
    ...(config.generic && { generic: genericWebhook(config.generic) }),
  };
}
