import type { Request, RequestHandler } from 'express';
import ipaddr from 'ipaddr.js';
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

/**
 * The client a limit counts against: its IPv4 address, or the /64 network of its IPv6 address (one
 * subscriber's whole allocation: otherwise each of its 2^64 addresses would get a budget of its own).
 * `req.ip` is the address `TRUST_PROXY` lets through (the proxy's, or the one it forwarded).
 */
export function clientKey(req: Pick<Request, 'ip'>): string {
  if (!req.ip || !ipaddr.isValid(req.ip)) return 'unknown';
  const address = ipaddr.process(req.ip); // ::ffff:192.0.2.1 → 192.0.2.1
  if (address.kind() === 'ipv4') return address.toString();
  const network = (address as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${network.join(':')}::/64`;
}

/** Limits a route per client (see clientKey). */
export function perClientIp(limit: Limiter): RequestHandler {
  return async (req, _res, next) => {
    await limit(clientKey(req));
    next();
  };
}
