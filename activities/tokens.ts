import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { deriveActivationToken, hashToken, tokenKey, userTokenKey, type TokenRecord } from '../domain/tokens';

/** Activation tokens in Redis: key = SHA-256 of the token, one live token per user, expiring with the registration. */
export function createTokenActivities(deps: { redis: Redis; tokenSecret: string }) {
  const { redis } = deps;

  async function revoke(userId: string): Promise<void> {
    const current = await redis.get(userTokenKey(userId));
    const multi = redis.multi();
    if (current) multi.del(tokenKey(current));
    await multi.del(userTokenKey(userId)).exec();
  }

  return {
    /** 128 random bits from the CSPRNG; the token is derived from them with the server secret. */
    async newTokenSalt(): Promise<string> {
      return randomBytes(16).toString('base64url');
    },

    /** Stores the hash of the token derived from `salt`, replacing (and so invalidating) the user's previous one. */
    async issueActivationToken(input: {
      userId: string;
      workflowId: string;
      salt: string;
      ttlSeconds: number;
    }): Promise<{ tokenHash: string }> {
      const tokenHash = hashToken(deriveActivationToken(deps.tokenSecret, input.salt));
      const previous = await redis.get(userTokenKey(input.userId));
      const record: TokenRecord = { userId: input.userId, workflowId: input.workflowId };
      const multi = redis.multi();
      if (previous && previous !== tokenHash) multi.del(tokenKey(previous));
      await multi
        .set(tokenKey(tokenHash), JSON.stringify(record), 'EX', input.ttlSeconds)
        .set(userTokenKey(input.userId), tokenHash, 'EX', input.ttlSeconds)
        .exec();
      return { tokenHash };
    },

    async revokeActivationToken({ userId }: { userId: string }): Promise<void> {
      await revoke(userId);
    },
  };
}
