import type Redis from 'ioredis';
import { createMessageActivities } from './messages';
import { createTokenActivities } from './tokens';
import { createUserActivities } from './users';

/** Every activity of the registration and activation workflows (the producer side). */
export function createProducerActivities(deps: { redis: Redis; tokenSecret: string }) {
  return {
    ...createMessageActivities(),
    ...createUserActivities(),
    ...createTokenActivities(deps),
  };
}

export type ProducerActivities = ReturnType<typeof createProducerActivities>;
export type { DeliverActivity } from './consumers/delivery';
