import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

export type BriefCache = <T>(key: string, seconds: number, compute: () => Promise<T>) => Promise<T>;

/**
 * Keeps a computed JSON value in Redis for a few seconds, shared by every API process: an expensive
 * read (a count over a large collection) is made at most once per period, however many look. On a miss
 * one caller computes, holding a lock in Redis for at most the period; the others wait for its value
 * rather than each making the same read at once (and compute themselves only if none comes in that time).
 */
export function redisBriefCache(redis: Redis, options: { pollMs?: number } = {}): BriefCache {
  const pollMs = options.pollMs ?? 100;
  return async <T>(key: string, seconds: number, compute: () => Promise<T>): Promise<T> => {
    const valueKey = `cache:${key}`;
    const lockKey = `cache-lock:${key}`;
    const cached = async () => {
      const hit = await redis.get(valueKey);
      return hit === null ? undefined : { value: JSON.parse(hit) as T };
    };
    const first = await cached();
    if (first) return first.value;
    const giveUpAt = Date.now() + seconds * 1000;
    // The lock holds this caller's own token, so that it never releases a lock that lapsed and was taken since.
    const token = randomUUID();
    const tryLock = async () => (await redis.set(lockKey, token, 'PX', seconds * 1000, 'NX')) === 'OK';
    let locked = await tryLock();
    while (!locked && Date.now() < giveUpAt) {
      await sleep(pollMs);
      const waited = await cached();
      if (waited) return waited.value;
      locked = await tryLock();
    }
    try {
      // Whoever held the lock before may have stored the value just before this caller took it.
      const late = locked ? await cached() : undefined;
      if (late) return late.value;
      const value = await compute();
      await redis.set(valueKey, JSON.stringify(value), 'EX', seconds);
      return value;
    } finally {
      if (locked && (await redis.get(lockKey)) === token) await redis.del(lockKey);
    }
  };
}

/** No caching: every call computes (the benchmark measures the real cost). */
export const noCache: BriefCache = (_key, _seconds, compute) => compute();
