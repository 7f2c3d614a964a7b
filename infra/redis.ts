import Redis from 'ioredis';
import type { Config } from '../config';

/**
 * Every key this deployment writes (activation tokens, consumer idempotency keys, rate-limit budgets)
 * starts with its `REDIS_KEY_PREFIX`, so deployments that share one Redis never share a key.
 */
export function createRedis({ url, keyPrefix }: Config['redis']): Redis {
  return new Redis(url, { keyPrefix, maxRetriesPerRequest: 3, enableOfflineQueue: true });
}
