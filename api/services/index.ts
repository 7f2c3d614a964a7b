import type { Client } from '@temporalio/client';
import type Redis from 'ioredis';
import type { Config } from '../../config';
import { createLimiter } from '../rate-limits';
import { createAccountNotices } from './account-notice';
import { createActivationService } from './activation';
import { createMessageService } from './messages';
import { createPasswordHasher } from './password';
import { createRegistrationService } from './registration';
import { createUserService } from './users';

/** The API's domain logic, wired to its dependencies. */
export function createServices(deps: { client: Client; redis: Redis; config: Config }) {
  const { client, redis, config } = deps;
  return {
    registration: createRegistrationService({
      client,
      config,
      hashPassword: createPasswordHasher(config.passwordHash),
      notifyOwner: createAccountNotices({ client, config }),
    }),
    users: createUserService({ client }),
    activation: createActivationService({
      client,
      redis,
      perAccountLimit: createLimiter(
        redis,
        'activation-resend-account',
        config.rateLimits.activationResendsPerHour,
        3600,
      ),
    }),
    messages: createMessageService({ client }),
    limits: {
      register: createLimiter(redis, 'register-ip', config.rateLimits.registerPerMinute, 60),
      resend: createLimiter(redis, 'resend-ip', config.rateLimits.resendPerMinute, 60),
    },
  };
}

export type Services = ReturnType<typeof createServices>;
