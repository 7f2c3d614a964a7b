import type Redis from 'ioredis';
import {
  activationCodeHmac,
  addressHash,
  CODE_TRIES,
  codeKey,
  codeTriesKey,
  sameCodeHmac,
  type CodeRecord,
} from '../../domain/activation-codes';

/** Compared with when an address has no code: the work, and so the time, is the same either way. */
const NO_CODE = '0'.repeat(64);

/**
 * Checks an address's activation code against the keyed hash Redis keeps of it (activities/tokens.ts).
 * Every try counts, right or wrong, atomically, before the comparison, so parallel tries get no more
 * than CODE_TRIES between them; the last spends the code. An address without a code takes the same
 * Redis commands and the same comparison as a wrong code.
 */
export function createActivationCodes(deps: { redis: Redis; codeKey: string; ttlSeconds: number }) {
  return {
    /** The hash of the token the code stands for, or undefined when the code is wrong, spent or unknown. */
    async redeem(normalisedEmail: string, code: string): Promise<string | undefined> {
      const address = addressHash(normalisedEmail);
      const results = await deps.redis
        .multi()
        .set(codeTriesKey(address), '0', 'EX', deps.ttlSeconds, 'NX')
        .incr(codeTriesKey(address))
        .get(codeKey(address))
        .exec();
      const tries = Number(results?.[1]?.[1]);
      const stored = results?.[2]?.[1] as string | null | undefined;
      const record = stored ? (JSON.parse(stored) as CodeRecord) : undefined;
      const matches = sameCodeHmac(
        activationCodeHmac(deps.codeKey, normalisedEmail, code),
        record?.codeHmac ?? NO_CODE,
      );
      if (record && matches && tries <= CODE_TRIES) return record.tokenHash;
      if (tries >= CODE_TRIES) await deps.redis.del(codeKey(address));
      return undefined;
    },
  };
}

export type ActivationCodes = ReturnType<typeof createActivationCodes>;
