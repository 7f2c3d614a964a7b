import type { Transporter } from 'nodemailer';
import { createMailHandler } from '../../activities/consumers/mail';
import { loadConfig, type Config } from '../../config';
import { loadTemplateSet } from '../../infra/templates/template-set';

/** The mail handler as workers/consumers.ts builds it from `config` (the default one unless given), over `mailer`. */
export function configuredMailHandler(
  mailer: Transporter,
  config: Config = loadConfig({}),
  overrides: Partial<Parameters<typeof createMailHandler>[0]> = {},
) {
  return createMailHandler({
    mailer,
    from: config.mailFrom,
    publicBaseUrl: config.publicBaseUrl,
    tokenSecret: config.activation.tokenSecret,
    tokenTtlSeconds: config.activation.ttlSeconds,
    recordAccepted: () => Promise.resolve(),
    suppressionOf: () => Promise.resolve(null),
    templates: loadTemplateSet(config.templates),
    ...overrides,
  });
}
