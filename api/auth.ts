import type { RequestHandler } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpError } from './errors';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** A check of a presented secret against `expected`, in constant time. */
export function secretMatcher(expected: string): (presented: string | undefined) => boolean {
  const want = digest(expected);
  return (presented) => presented !== undefined && timingSafeEqual(digest(presented), want);
}

export const bearerToken = (authorization: string | undefined) => /^Bearer (.+)$/.exec(authorization ?? '')?.[1];

/** Operator endpoints: `Authorization: Bearer $ADMIN_TOKEN`, compared in constant time. */
export function requireAdmin(adminToken: string): RequestHandler {
  const matches = secretMatcher(adminToken);
  return (req, _res, next) => {
    if (!matches(bearerToken(req.headers.authorization))) {
      return next(new HttpError(401, 'UNAUTHORIZED', 'This endpoint needs `Authorization: Bearer <ADMIN_TOKEN>`.'));
    }
    next();
  };
}
