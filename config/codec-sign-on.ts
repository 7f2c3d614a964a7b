import { ConfigError } from './error';

/** Signature algorithms an identity provider's access token may use: asymmetric ones only. */
export const SIGN_ON_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/** How the codec verifies the access token the Temporal Web UI forwards from its single sign-on. */
export interface CodecSignOn {
  /** The `iss` every token must carry; also where the key set is discovered unless `jwksUrl` is given. */
  issuer: string;
  /** The `aud` every token must carry (the API the identity provider issues the UI's tokens for). */
  audience: string;
  jwksUrl?: string;
  algorithms: string[];
}

/**
 * `CODEC_OIDC_*`: sign-on is on with an issuer and an audience, both or neither; a key-set URL or a list
 * of algorithms without them is refused rather than ignored.
 */
export function parseCodecSignOn(e: {
  CODEC_OIDC_ISSUER?: string;
  CODEC_OIDC_AUDIENCE?: string;
  CODEC_OIDC_JWKS_URL?: string;
  CODEC_OIDC_ALGORITHMS?: string;
}): CodecSignOn | undefined {
  const { CODEC_OIDC_ISSUER: issuer, CODEC_OIDC_AUDIENCE: audience, CODEC_OIDC_JWKS_URL: jwksUrl } = e;
  if (!issuer && !audience) {
    const stray = (['CODEC_OIDC_JWKS_URL', 'CODEC_OIDC_ALGORITHMS'] as const).find((name) => e[name]);
    if (stray) throw invalid(stray, 'needs CODEC_OIDC_ISSUER and CODEC_OIDC_AUDIENCE');
    return undefined;
  }
  if (!issuer) throw invalid('CODEC_OIDC_ISSUER', 'must be set with CODEC_OIDC_AUDIENCE');
  if (!audience) throw invalid('CODEC_OIDC_AUDIENCE', 'must be set with CODEC_OIDC_ISSUER');
  const algorithms = (e.CODEC_OIDC_ALGORITHMS ?? 'RS256')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const unknown = algorithms.find((a) => !SIGN_ON_ALGORITHMS.includes(a));
  if (unknown !== undefined || algorithms.length === 0) {
    throw invalid('CODEC_OIDC_ALGORITHMS', `must be a list of ${SIGN_ON_ALGORITHMS.join(', ')}`);
  }
  return { issuer, audience, jwksUrl, algorithms };
}

const invalid = (name: string, problem: string) => new ConfigError(`Invalid configuration: ${name}: ${problem}`);
