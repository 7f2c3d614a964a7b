import type * as Jose from 'jose' with { 'resolution-mode': 'import' };
import type { CodecSignOn } from '../config/codec-sign-on';
import { logger } from '../infra/logger';
import { HttpError } from './errors';

const DISCOVERY_TIMEOUT_MS = 5000;

/** jose is an ES module only: the CommonJS build loads it with import(), once. */
let jose: Promise<typeof Jose> | undefined;
const loadJose = () => (jose ??= import('jose'));

/** Where the issuer publishes its signing keys, from its OpenID Connect discovery document. */
async function discoverKeySetUrl(issuer: string): Promise<URL> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const res = await fetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
  // OpenID Connect Discovery 1.0 §4.3: a document that names another issuer is not this issuer's.
  if (doc.issuer !== issuer) throw new Error(`${url} names the issuer ${String(doc.issuer)}`);
  if (typeof doc.jwks_uri !== 'string') throw new Error(`${url} has no jwks_uri`);
  return new URL(doc.jwks_uri);
}

/** Failures of the identity provider, not of the token: the caller may try again later. */
const providerFailure = (err: unknown, { errors }: typeof Jose) =>
  !(err instanceof errors.JOSEError) || err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid;

/**
 * A check of an access token from `signOn`'s identity provider: a JWT signed with one of the issuer's
 * keys (fetched and cached by jose, refetched for an unknown key id), with one of the allowed
 * algorithms, this issuer and audience, and an expiry still ahead. Returns its claims, or undefined
 * for a token that is not one; throws 503 while the provider's keys cannot be had.
 */
export function signOnTokenVerifier(signOn: CodecSignOn): (token: string) => Promise<Jose.JWTPayload | undefined> {
  let keySet: Promise<ReturnType<typeof Jose.createRemoteJWKSet>> | undefined;
  const keys = () => {
    if (!keySet) {
      const url = signOn.jwksUrl ? Promise.resolve(new URL(signOn.jwksUrl)) : discoverKeySetUrl(signOn.issuer);
      keySet = url.then(async (u) =>
        (await loadJose()).createRemoteJWKSet(u, { timeoutDuration: DISCOVERY_TIMEOUT_MS }),
      );
      // A failed discovery is tried again by the next request, not remembered.
      keySet.catch(() => (keySet = undefined));
    }
    return keySet;
  };
  return async (token) => {
    const lib = await loadJose();
    try {
      const { payload } = await lib.jwtVerify(token, await keys(), {
        issuer: signOn.issuer,
        audience: signOn.audience,
        algorithms: signOn.algorithms,
        requiredClaims: ['exp'],
      });
      return payload;
    } catch (err) {
      if (!providerFailure(err, lib)) {
        logger.info(
          { reason: (err as InstanceType<typeof lib.errors.JOSEError>).code },
          'codec: an access token was refused',
        );
        return undefined;
      }
      logger.warn({ err }, 'codec: the identity provider’s keys cannot be had');
      throw new HttpError(
        503,
        'SIGN_ON_UNAVAILABLE',
        'The identity provider’s signing keys cannot be had right now; try again later.',
      );
    }
  };
}
