import type { RequestHandler } from 'express';
import type Redis from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from './errors';
import type { ApiMetrics, LimiterName } from './metrics';

export type Limiter = (key: string) => Promise<void>;

/** A fixed-window limit kept in Redis, so that it holds across API processes; over it → 429 with Retry-After. */
export function createLimiter(
  redis: Redis,
  name: LimiterName,
  points: number,
  durationSeconds: number,
  refusals: ApiMetrics['rateLimited'],
): Limiter {
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `ratelimit:${name}`,
    points,
    duration: durationSeconds,
  });
  return async (key) => {
    try {
      await limiter.consume(key);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const retryAfter = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      refusals.inc({ limiter: name });
      throw new HttpError(429, 'RATE_LIMITED', `Too many requests. Try again in ${retryAfter} s.`, {
        'Retry-After': String(retryAfter),
      });
    }
  };
}

/** Limits a route per client IP. */
export function perClientIp(limit: Limiter): RequestHandler {
  return async (req, _res, next) => {
    await limit(req.ip ?? 'unknown');
    next();
  };
}
