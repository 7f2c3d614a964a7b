import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * The activation token is derived from a per-mail salt with a server-side secret, so the raw token is
 * never stored: MongoDB holds the salt (in the message body), Redis the token's SHA-256, and only the
 * mail carries the token itself.
 */
export function deriveActivationToken(secret: string, salt: string): string {
  return createHmac('sha256', secret).update(`activation:${salt}`).digest('base64url');
}

/**
 * 128 bits from the CSPRNG, drawn by the API for each registration and each resend and passed to the
 * workflow, whose own randomness is deterministic.
 */
export function newTokenSalt(): string {
  return randomBytes(16).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** 32 bytes in base64url: anything else cannot be a token we issued. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const tokenKey = (tokenHash: string) => `activation:token:${tokenHash}`;
export const userTokenKey = (userId: string) => `activation:user:${userId}`;
/**
 * Set when a token activated its account, for as long as the token would have lived: its link then
 * answers "already active" instead of "unknown". Keyed by the token's hash, like the token itself.
 */
export const spentTokenKey = (tokenHash: string) => `activation:spent:${tokenHash}`;

/** What Redis keeps under a token's hash: enough to find the registration the token belongs to. */
export interface TokenRecord {
  userId: string;
  workflowId: string;
}
