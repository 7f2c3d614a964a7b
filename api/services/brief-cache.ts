import type Redis from 'ioredis';

export type BriefCache = <T>(key: string, seconds: number, compute: () => Promise<T>) => Promise<T>;

/**
 * Keeps a computed JSON value in Redis for a few seconds, shared by every API process: an expensive
 * read (a count over a large collection) is made at most once per period, however many look.
 */
export function redisBriefCache(redis: Redis): BriefCache {
  return async <T>(key: string, seconds: number, compute: () => Promise<T>): Promise<T> => {
    const hit = await redis.get(`cache:${key}`);
    if (hit !== null) return JSON.parse(hit) as T;
    const value = await compute();
    await redis.set(`cache:${key}`, JSON.stringify(value), 'EX', seconds);
    return value;
  };
}

/** No caching: every call computes (the benchmark measures the real cost). */
export const noCache: BriefCache = (_key, _seconds, compute) => compute();
