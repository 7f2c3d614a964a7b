import type { Client } from '@temporalio/client';
import type Redis from 'ioredis';
import type { Config } from '../../config';
import type { TemplateSet } from '../../infra/templates/template-set';
import type { ApiMetrics } from '../metrics';
import { createLimiter } from '../rate-limits';
import { createAccountNotices } from './account-notice';
import { createActivationService } from './activation';
import { createActivationCodes } from './activation-codes';
import { createAdminSessions } from './admin-sessions';
import { redisBriefCache } from './brief-cache';
import { createConsoleService } from './console';
import { createAnswerTiming } from './answer-timing';
import { configuredWebhooks } from '../webhooks/providers';
import { createMailEventSink } from './mail-event-sink';
import { createAttempts } from './attempts';
import { createMailOutcomes, temporalSignal } from './mail-outcomes';
import { createSuppressionService } from './suppressions';
import { createMessageService } from './messages';
import { createPasswordHasher, verifyPassword } from './password';
import { createRegistrationService } from './registration';
import { createUserService } from './users';

/** The API's domain logic, wired to its dependencies. */
export function createServices(deps: {
  client: Client;
  redis: Redis;
  config: Config;
  metrics: ApiMetrics;
  /** The checked templates (infra/templates/configured.ts), loaded before anything else at start. */
  templates: TemplateSet;
}) {
  const { client, redis, config, metrics, templates } = deps;
  // An attempt lives as long as a registration may wait for its activation.
  const attempts = createAttempts({ redis, ttlSeconds: config.registration.ceilingSeconds });
  /** What the mail-event webhooks hand each new event for a known delivery (applyToFlow). */
  const mailOutcomes = createMailOutcomes({
    signal: temporalSignal(client),
    ...config.mailOutcomes,
    counted: (outcome) => metrics.mailOutcomes.inc({ outcome }),
  });
  return {
    templates,
    attempts,
    suppressions: createSuppressionService(),
    mailOutcomes,
    registration: createRegistrationService({
      client,
      config,
      hashPassword: createPasswordHasher(config.passwordHash),
      verifyPassword,
      notifyOwner: createAccountNotices({ client, config }),
      registered: metrics.registrations,
      answerTiming: createAnswerTiming(),
      attempts,
      locales: templates.locales,
    }),
    users: createUserService({ client }),
    activation: createActivationService({
      client,
      redis,
      perClientAndAddressLimit: createLimiter(
        redis,
        'activation-resend-account',
        config.rateLimits.activationResendsPerHour,
        3600,
        metrics.rateLimited,
      ),
      perAddressLimit: createLimiter(
        redis,
        'activation-resend-address-cap',
        config.rateLimits.activationResendsPerAddressPerHour,
        3600,
        metrics.rateLimited,
      ),
      codes: createActivationCodes({
        redis,
        codeKey: config.activation.codeKey,
        ttlSeconds: config.activation.ttlSeconds,
      }),
      codePerClientLimit: createLimiter(
        redis,
        'activation-code-ip',
        config.rateLimits.codePerMinute,
        60,
        metrics.rateLimited,
      ),
      codePerAddressLimit: createLimiter(
        redis,
        'activation-code-address',
        config.rateLimits.codeTriesPerAddressPerHour,
        3600,
        metrics.rateLimited,
      ),
      activated: metrics.activations,
      resent: metrics.activationResends,
    }),
    messages: createMessageService({ client, resent: metrics.operatorResends }),
    mailEvents: {
      webhooks: configuredWebhooks(config.mailEvents, redis),
      // applyToFlow: what a recorded event does to the flow that sent the mail (api/services/mail-outcomes.ts).
      sink: createMailEventSink({ applyToFlow: mailOutcomes.applyToFlow }),
    },
    console: createConsoleService({ cache: redisBriefCache(redis) }),
    adminSessions: createAdminSessions({ redis, ttlSeconds: config.console.sessionTtlSeconds }),
    limits: {
      adminLogin: createLimiter(
        redis,
        'admin-login-ip',
        config.rateLimits.adminLoginPerMinute,
        60,
        metrics.rateLimited,
      ),
      register: createLimiter(redis, 'register-ip', config.rateLimits.registerPerMinute, 60, metrics.rateLimited),
      resend: createLimiter(redis, 'resend-ip', config.rateLimits.resendPerMinute, 60, metrics.rateLimited),
      attemptStatus: createLimiter(
        redis,
        'attempt-status-ip',
        config.rateLimits.attemptStatusPerMinute,
        60,
        metrics.rateLimited,
      ),
    },
  };
}

export type Services = ReturnType<typeof createServices>;
