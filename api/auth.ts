import type { RequestHandler } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpError } from './errors';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Operator endpoints: `Authorization: Bearer $ADMIN_TOKEN`, compared in constant time. */
export function requireAdmin(adminToken: string): RequestHandler {
  const expected = digest(adminToken);
  return (req, _res, next) => {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!match || !timingSafeEqual(digest(match[1]), expected)) {
      return next(new HttpError(401, 'UNAUTHORIZED', 'This endpoint needs `Authorization: Bearer <ADMIN_TOKEN>`.'));
    }
    next();
  };
}
