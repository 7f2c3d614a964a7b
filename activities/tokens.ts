import type Redis from 'ioredis';
import { tokenCheckOf } from '../domain/token-check';
import { deriveActivationToken, hashToken, tokenKey, userTokenKey, type TokenRecord } from '../domain/tokens';

export interface TokenIssue {
  userId: string;
  workflowId: string;
  tokenSalt: string;
  ttlSeconds: number;
}

/**
 * Activation tokens in Redis: key = SHA-256 of the token, one live token per user, expiring with the
 * registration. Issuing and revoking are part of the user service's local transactions (saveUser,
 * enableUser, expireUser); a resend issues a new token on its own.
 */
export function createActivationTokens(deps: { redis: Redis; tokenSecret: string }) {
  const { redis } = deps;
  return {
    /**
     * Stores the hash of the token derived from the salt, replacing (and so invalidating) the user's
     * previous one; answers the token's check for the workflow, never the hash (see domain/token-check).
     */
    async issue(input: TokenIssue): Promise<{ tokenCheck: string }> {
      const tokenHash = hashToken(deriveActivationToken(deps.tokenSecret, input.tokenSalt));
      const previous = await redis.get(userTokenKey(input.userId));
      const record: TokenRecord = { userId: input.userId, workflowId: input.workflowId };
      const multi = redis.multi();
      if (previous && previous !== tokenHash) multi.del(tokenKey(previous));
      await multi
        .set(tokenKey(tokenHash), JSON.stringify(record), 'EX', input.ttlSeconds)
        .set(userTokenKey(input.userId), tokenHash, 'EX', input.ttlSeconds)
        .exec();
      return { tokenCheck: tokenCheckOf(tokenHash) };
    },

    async revoke(userId: string): Promise<void> {
      const current = await redis.get(userTokenKey(userId));
      const multi = redis.multi();
      if (current) multi.del(tokenKey(current));
      await multi.del(userTokenKey(userId)).exec();
    },
  };
}

export type ActivationTokens = ReturnType<typeof createActivationTokens>;

/** The activity a resend runs: a new token for a pending registration. */
export function createTokenActivities(tokens: ActivationTokens) {
  return {
    async issueActivationToken(input: TokenIssue): Promise<{ tokenCheck: string }> {
      return tokens.issue(input);
    },
  };
}
