import type { Client } from '@temporalio/client';
import type Redis from 'ioredis';
import type { Config } from '../../config';
import { createLimiter } from '../rate-limits';
import { createActivationService } from './activation';
import { createAdminSessions } from './admin-sessions';
import { redisBriefCache } from './brief-cache';
import { createConsoleService } from './console';
import { createMessageService } from './messages';
import { createPasswordHasher } from './password';
import { createRegistrationService } from './registration';

/** The API's domain logic, wired to its dependencies. */
export function createServices(deps: { client: Client; redis: Redis; config: Config }) {
  const { client, redis, config } = deps;
  return {
    registration: createRegistrationService({
      client,
      config,
      hashPassword: createPasswordHasher(config.passwordHash),
    }),
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
    console: createConsoleService({ cache: redisBriefCache(redis) }),
    adminSessions: createAdminSessions({ redis, ttlSeconds: config.console.sessionTtlSeconds }),
    limits: {
      adminLogin: createLimiter(redis, 'admin-login-ip', config.rateLimits.adminLoginPerMinute, 60),
      register: createLimiter(redis, 'register-ip', config.rateLimits.registerPerMinute, 60),
      resend: createLimiter(redis, 'resend-ip', config.rateLimits.resendPerMinute, 60),
    },
  };
}

export type Services = ReturnType<typeof createServices>;
