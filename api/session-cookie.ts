import type { CookieOptions, Request, Response } from 'express';

/** The operator console's session cookie: an opaque id, its session in Redis (services/admin-sessions.ts). */
export const SESSION_COOKIE = 'admin_session';

/**
 * Where the browser sends the session: the console, and the codec, which the Temporal Web UI calls from
 * the operator's browser with credentials (a UI without sign-on has nothing else to prove who is there).
 */
const SESSION_COOKIE_PATHS = ['/admin', '/codec'];

export function setSessionCookie(res: Response, id: string, options: CookieOptions): void {
  for (const path of SESSION_COOKIE_PATHS) res.cookie(SESSION_COOKIE, id, { ...options, path });
}

export function clearSessionCookie(res: Response): void {
  for (const path of SESSION_COOKIE_PATHS) res.clearCookie(SESSION_COOKIE, { path });
}

export const sessionIdOf = (req: Request): string | undefined => {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
  return typeof value === 'string' ? value : undefined;
};
