import type { RequestHandler } from 'express';
import type { CodecSignOn } from '../config/codec-sign-on';
import { bearerToken, secretMatcher } from './auth';
import { HttpError } from './errors';
import type { AdminSessions } from './services/admin-sessions';
import { sessionIdOf } from './session-cookie';
import { signOnTokenVerifier } from './sign-on-tokens';

export interface CodecCredentials {
  /** `Authorization: Bearer <token>`, for clients such as `temporal --codec-auth`; unset: none. */
  token?: string;
  /** The access token a Web UI with sign-on forwards, verified against its identity provider; unset: none. */
  signOn?: CodecSignOn;
  /** An operator logged in to the console, whose session cookie a Web UI without sign-on sends along. */
  sessions: Pick<AdminSessions, 'get'>;
}

/**
 * The codec decrypts every payload, so it answers a person or a client that proves who it is, each
 * time, in a header or a cookie: never a secret in the URL, which the Web UI serves to anyone who
 * opens it. Needs cookie-parser before it.
 */
export function codecAuth(deps: CodecCredentials): RequestHandler {
  const tokenMatches = deps.token === undefined ? () => false : secretMatcher(deps.token);
  const verifySignOn = deps.signOn && signOnTokenVerifier(deps.signOn);
  return async (req, _res, next) => {
    const bearer = bearerToken(req.headers.authorization);
    if (tokenMatches(bearer)) return next();
    if (await deps.sessions.get(sessionIdOf(req))) return next();
    if (bearer !== undefined && verifySignOn && (await verifySignOn(bearer))) return next();
    throw new HttpError(
      401,
      'UNAUTHORIZED',
      'The codec needs `Authorization: Bearer <CODEC_TOKEN>`, an access token from the Web UI’s sign-on, ' +
        'or an operator console session.',
    );
  };
}
