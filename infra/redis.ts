import Redis from 'ioredis';
import type { Config } from '../config';
import { logger } from './logger';

/**
 * Every key this deployment writes (activation tokens, consumer idempotency keys, rate-limit budgets)
 * starts with its `REDIS_KEY_PREFIX`, so deployments that share one Redis never share a key.
 * While Redis is unreachable the client reconnects on its own; the outage is logged once, not per retry.
 */
export function createRedis({ url, keyPrefix }: Config['redis']): Redis {
  const redis = new Redis(url, { keyPrefix, maxRetriesPerRequest: 3, enableOfflineQueue: true });
  let unreachable = false;
  redis.on('error', (err: Error) => {
    if (unreachable) return;
    unreachable = true;
    logger.warn({ error: err.message }, 'Redis is unreachable; reconnecting');
  });
  redis.on('ready', () => {
    if (!unreachable) return;
    unreachable = false;
    logger.info('Redis is reachable again');
  });
  return redis;
}
