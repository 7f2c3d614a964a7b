import type Redis from 'ioredis';
import { createMessageActivities } from './messages';
import { createFirstStepsActivities } from './first-steps';
import { createRetentionActivities } from './retention';
import { createActivationTokens, createTokenActivities } from './tokens';
import { createUserActivities } from './users';

/** Every activity on the main task queue: the producer side of the flows, and retention. */
export function createProducerActivities(deps: { redis: Redis; tokenSecret: string; codeKey: string }) {
  const tokens = createActivationTokens(deps);
  const messages = createMessageActivities();
  const users = createUserActivities(tokens);
  return {
    ...messages,
    ...users,
    ...createFirstStepsActivities({ ...messages, ...users }),
    ...createTokenActivities(tokens),
    ...createRetentionActivities(),
  };
}

export type ProducerActivities = ReturnType<typeof createProducerActivities>;
export type { DeliverActivity } from './consumers/delivery';
