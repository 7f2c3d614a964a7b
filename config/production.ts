import { DEVELOPMENT_DEFAULTS } from './development-defaults';
import { DEVELOPMENT_MAIL_EVENTS_SECRET } from './mail-events';
import { parsePayloadKeys } from './payload-keys';

/** Secrets shorter than this are refused in production. */
const MIN_SECRET_LENGTH = 32;

/** Settings production must be given: their defaults only make sense on a developer's machine. */
export const PRODUCTION_REQUIRED = [
  'MONGODB_URI',
  'REDIS_URL',
  'TEMPORAL_ADDRESS',
  'SMTP_URL',
  'MAIL_FROM',
  'PUBLIC_BASE_URL',
  'ADMIN_TOKEN',
  'ACTIVATION_TOKEN_SECRET',
  'ACTIVATION_CODE_KEY',
  'PAYLOAD_KEYS',
  'CODEC_CORS_ORIGINS',
] as const;
const SECRETS: readonly string[] = [
  'ADMIN_TOKEN',
  'ACTIVATION_TOKEN_SECRET',
  'ACTIVATION_CODE_KEY',
  'CODEC_TOKEN',
  'MAIL_EVENTS_GENERIC_SECRET',
];

/** Every reason the environment is unfit for production, one per setting; empty when it is fit. */
export function productionProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const developmentDefaults: Partial<Record<string, string>> = {
    ...DEVELOPMENT_DEFAULTS,
    MAIL_EVENTS_GENERIC_SECRET: DEVELOPMENT_MAIL_EVENTS_SECRET,
  };
  for (const name of PRODUCTION_REQUIRED) if (!env[name]) problems.push(`${name} is not set`);
  // The codec needs a way in: its own token, or sign-on (with which the token is optional).
  if (!env.CODEC_TOKEN && !env.CODEC_OIDC_ISSUER)
    problems.push('CODEC_TOKEN is not set (nor sign-on for the codec: CODEC_OIDC_ISSUER and CODEC_OIDC_AUDIENCE)');
  for (const name of [...PRODUCTION_REQUIRED, 'CODEC_TOKEN', 'MAIL_EVENTS_GENERIC_SECRET']) {
    const value = env[name];
    if (!value) continue;
    if (value === developmentDefaults[name]) problems.push(`${name} is the development default`);
    else if (SECRETS.includes(name) && value.length < MIN_SECRET_LENGTH)
      problems.push(`${name} is shorter than ${MIN_SECRET_LENGTH} characters`);
  }
  for (const name of ['CODEC_OIDC_ISSUER', 'CODEC_OIDC_JWKS_URL']) {
    // The identity provider's keys decide who reads every payload: they come over TLS or not at all.
    if (env[name] && !env[name].startsWith('https://')) problems.push(`${name} is not an https URL`);
  }
  if (env.PAYLOAD_KEYS && env.PAYLOAD_KEYS !== DEVELOPMENT_DEFAULTS.PAYLOAD_KEYS) {
    const published = [...parsePayloadKeys(DEVELOPMENT_DEFAULTS.PAYLOAD_KEYS).values()][0];
    const keys = parsePayloadKeys(env.PAYLOAD_KEYS);
    if ([...keys.values()].some((key) => key.equals(published)))
      problems.push('PAYLOAD_KEYS holds the development key, which is published in this repository');
  }
  if (env.PUBLIC_BASE_URL && !servedSecurely(env.PUBLIC_BASE_URL))
    problems.push(
      'PUBLIC_BASE_URL is http: (the console cookies would not be Secure, the activation links not private); use https:, or a loopback host for a stack on this machine only',
    );
  if (env.MAIL_EVENTS_SES_CERT_HOST_CHECK === 'off')
    problems.push(
      'MAIL_EVENTS_SES_CERT_HOST_CHECK is off (anyone could sign SES events with a certificate of their own)',
    );
  if (env.ADMIN_TOKEN && env.ADMIN_TOKEN === env.CODEC_TOKEN)
    problems.push('ADMIN_TOKEN equals CODEC_TOKEN (a token for machine clients must not also open the operator API)');
  return problems;
}

/** https:, or http: to this machine only (as docker-compose.yml publishes the API), where no one else listens in. */
function servedSecurely(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return true; // not a URL at all: the schema names that
  }
  if (parsed.protocol !== 'http:') return true;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
