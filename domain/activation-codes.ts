import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The 6-digit code the activation mail carries beside the link, for a person who reads the mail on
 * another device. Like the token, it is derived from the mail's salt with the server's token secret, so
 * the mail can be rendered without storing it; Redis keeps only a keyed hash of it with the address
 * (ACTIVATION_CODE_KEY), under the address's hash, next to the token's hash it redeems.
 */
export function deriveActivationCode(tokenSecret: string, salt: string): string {
  const digest = createHmac('sha256', tokenSecret).update(`code:${salt}`).digest();
  // 64 bits modulo 10^6: the bias is below 10^-13.
  return (digest.readBigUInt64BE(0) % 1_000_000n).toString().padStart(6, '0');
}

/** The keyed hash Redis keeps of an address's code: without the key, 10^6 guesses offline would find it. */
export function activationCodeHmac(codeKey: string, normalisedEmail: string, code: string): string {
  return createHmac('sha256', codeKey).update(`${normalisedEmail}\n${code}`).digest('hex');
}

/** Whether two of those hashes are equal, in a time that does not depend on where they differ. */
export function sameCodeHmac(a: string, b: string): boolean {
  const [left, right] = [Buffer.from(a, 'hex'), Buffer.from(b, 'hex')];
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Tries a code has, right or wrong: the fifth spends it (the link still works). */
export const CODE_TRIES = 5;

export const addressHash = (normalisedEmail: string) => createHash('sha256').update(normalisedEmail).digest('hex');

/** The code of the address's pending registration: its HMAC and the hash of the token it stands for. */
export const codeKey = (addressHash: string) => `activation:code:${addressHash}`;
/** The tries made at the address's code (any code), counted atomically; a new code starts afresh. */
export const codeTriesKey = (addressHash: string) => `activation:code-tries:${addressHash}`;
/** Which address's code a user holds, so that revoking its token forgets its code too. */
export const userCodeKey = (userId: string) => `activation:user-code:${userId}`;

export interface CodeRecord {
  codeHmac: string;
  tokenHash: string;
}
