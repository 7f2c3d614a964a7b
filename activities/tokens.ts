import type Redis from 'ioredis';
import {
  activationCodeHmac,
  addressHash,
  codeKey,
  codeTriesKey,
  deriveActivationCode,
  userCodeKey,
  type CodeRecord,
} from '../domain/activation-codes';
import { User } from '../domain/models';
import { tokenCheckOf } from '../domain/token-check';
import { deriveActivationToken, hashToken, tokenKey, userTokenKey, type TokenRecord } from '../domain/tokens';
import { normaliseEmail } from '../domain/users';

export interface TokenIssue {
  userId: string;
  workflowId: string;
  tokenSalt: string;
  ttlSeconds: number;
  /** The address the mail goes to, for the code beside the link; without it, only the link works. */
  email?: string;
}

/**
 * Activation tokens in Redis: key = SHA-256 of the token, one live token per user, expiring with the
 * registration, and beside it the keyed hash of the mail's code. Issuing and revoking are part of the
 * user service's local transactions (saveUser, enableUser, expireUser); a resend issues a new token on
 * its own.
 */
export function createActivationTokens(deps: { redis: Redis; tokenSecret: string; codeKey?: string }) {
  const { redis } = deps;
  return {
    /**
     * Stores the hash of the token derived from the salt, replacing (and so invalidating) the user's
     * previous one, and the hash of the code derived from it, which replaces the previous code and its
     * tries; answers the token's check for the workflow, never the hash (see domain/token-check).
     */
    async issue(input: TokenIssue): Promise<{ tokenCheck: string }> {
      const tokenHash = hashToken(deriveActivationToken(deps.tokenSecret, input.tokenSalt));
      const previous = await redis.get(userTokenKey(input.userId));
      const record: TokenRecord = { userId: input.userId, workflowId: input.workflowId };
      const ttl = input.ttlSeconds;
      const multi = redis.multi();
      if (previous && previous !== tokenHash) multi.del(tokenKey(previous));
      multi
        .set(tokenKey(tokenHash), JSON.stringify(record), 'EX', ttl)
        .set(userTokenKey(input.userId), tokenHash, 'EX', ttl);
      if (input.email && deps.codeKey) {
        const email = normaliseEmail(input.email);
        const address = addressHash(email);
        const code = deriveActivationCode(deps.tokenSecret, input.tokenSalt);
        const codeRecord: CodeRecord = { codeHmac: activationCodeHmac(deps.codeKey, email, code), tokenHash };
        multi
          .set(codeKey(address), JSON.stringify(codeRecord), 'EX', ttl)
          .del(codeTriesKey(address))
          .set(userCodeKey(input.userId), address, 'EX', ttl);
      }
      await multi.exec();
      return { tokenCheck: tokenCheckOf(tokenHash) };
    },

    /** Forgets the user's token and its code. */
    async revoke(userId: string): Promise<void> {
      const [current, address] = await Promise.all([redis.get(userTokenKey(userId)), redis.get(userCodeKey(userId))]);
      const multi = redis.multi();
      if (current) multi.del(tokenKey(current));
      if (address) multi.del(codeKey(address), codeTriesKey(address));
      await multi.del(userTokenKey(userId), userCodeKey(userId)).exec();
    },
  };
}

export type ActivationTokens = ReturnType<typeof createActivationTokens>;

/** The address a user registered with (a pending user's is its own until it expires). */
async function emailOfUser(userId: string): Promise<string | undefined> {
  return (await User.findById(userId, { email: 1 }).lean())?.email;
}

/** The activity a resend runs: a new token (and code) for a pending registration. */
export function createTokenActivities(tokens: ActivationTokens, emailOf: typeof emailOfUser = emailOfUser) {
  return {
    // Its input is what the workflow records in its history: the address is looked up here instead.
    async issueActivationToken(input: TokenIssue): Promise<{ tokenCheck: string }> {
      return tokens.issue({ ...input, email: input.email ?? (await emailOf(input.userId)) });
    },
  };
}
