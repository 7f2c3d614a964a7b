/**
 * The activation token store (activities/tokens.ts) on an in-memory stand-in for Redis: a token is
 * kept by its hash, never in clear, for the life of the registration; a resend's token replaces the
 * previous one, which stops working; a retried issue keeps the token; revoking forgets it.
 */
import { createActivationTokens, createTokenActivities } from '../../activities/tokens';
import { tokenCheckOf } from '../../domain/token-check';
import { deriveActivationToken, hashToken, newTokenSalt, tokenKey, userTokenKey } from '../../domain/tokens';
import { MemoryRedis } from '../setup/memory-redis';

const SECRET = 'a-long-random-secret-for-the-tests';
const DAY = 24 * 60 * 60;

function store() {
  const redis = new MemoryRedis();
  const tokens = createActivationTokens({ redis: redis.asRedis(), tokenSecret: SECRET });
  /** What a click on a link with `token` finds: the registration, or null. */
  const lookUp = (token: string) => {
    const stored = redis.peek(tokenKey(hashToken(token)));
    return stored === undefined ? null : (JSON.parse(stored) as unknown);
  };
  const issue = (userId: string, tokenSalt: string, ttlSeconds = DAY) =>
    tokens.issue({ userId, workflowId: `registration-${userId}`, tokenSalt, ttlSeconds });
  return { redis, tokens, lookUp, issue };
}

const tokenOf = (salt: string) => deriveActivationToken(SECRET, salt);

describe('issuing a token', () => {
  it('lets the link of the mail find its registration', async () => {
    const { lookUp, issue } = store();
    const salt = newTokenSalt();
    await issue('user-1', salt);
    expect(lookUp(tokenOf(salt))).toEqual({ userId: 'user-1', workflowId: 'registration-user-1' });
  });

  it('returns the hash of the token, which is what the workflow compares a click with', async () => {
    const { issue } = store();
    const salt = newTokenSalt();
    await expect(issue('user-1', salt)).resolves.toEqual({ tokenCheck: tokenCheckOf(hashToken(tokenOf(salt))) });
  });

  it('stores neither the token nor its salt', async () => {
    const { redis, issue } = store();
    const salt = newTokenSalt();
    await issue('user-1', salt);
    const everything = redis
      .keys()
      .map((k) => `${k}=${redis.peek(k)}`)
      .join('\n');
    expect(everything).not.toContain(tokenOf(salt));
    expect(everything).not.toContain(salt);
  });

  it('keeps it for the life of the registration, then it stops working', async () => {
    const { redis, lookUp, issue } = store();
    const salt = newTokenSalt();
    await issue('user-1', salt, 3600);
    expect(redis.ttlMs(tokenKey(hashToken(tokenOf(salt))))).toBe(3600 * 1000);
    expect(redis.ttlMs(userTokenKey('user-1'))).toBe(3600 * 1000);
    redis.advance(3600 * 1000 - 1);
    expect(lookUp(tokenOf(salt))).not.toBeNull();
    redis.advance(1);
    expect(lookUp(tokenOf(salt))).toBeNull();
  });

  it('for a resend makes the new link work and the previous one stop working', async () => {
    const { lookUp, issue } = store();
    const first = newTokenSalt();
    const second = newTokenSalt();
    await issue('user-1', first);
    await issue('user-1', second);
    expect(lookUp(tokenOf(first))).toBeNull();
    expect(lookUp(tokenOf(second))).toEqual({ userId: 'user-1', workflowId: 'registration-user-1' });
  });

  it('again with the same salt (a retried activity) keeps the link working', async () => {
    const { lookUp, issue } = store();
    const salt = newTokenSalt();
    await issue('user-1', salt);
    await issue('user-1', salt);
    expect(lookUp(tokenOf(salt))).toEqual({ userId: 'user-1', workflowId: 'registration-user-1' });
  });

  it('for one user leaves the links of other users alone', async () => {
    const { lookUp, issue } = store();
    const alice = newTokenSalt();
    const bob = newTokenSalt();
    await issue('alice', alice);
    await issue('bob', bob);
    await issue('alice', newTokenSalt());
    expect(lookUp(tokenOf(bob))).toEqual({ userId: 'bob', workflowId: 'registration-bob' });
  });

  it('is what the resend activity does', async () => {
    const { redis, tokens, lookUp } = store();
    const activities = createTokenActivities(tokens, async () => undefined);
    const salt = newTokenSalt();
    await activities.issueActivationToken({
      userId: 'user-1',
      workflowId: 'registration-user-1',
      tokenSalt: salt,
      ttlSeconds: DAY,
    });
    expect(lookUp(tokenOf(salt))).toEqual({ userId: 'user-1', workflowId: 'registration-user-1' });
    expect(redis.peek(userTokenKey('user-1'))).toBe(hashToken(tokenOf(salt)));
  });
});

describe('revoking', () => {
  it("makes the link stop working and forgets the user's token", async () => {
    const { redis, tokens, lookUp, issue } = store();
    const salt = newTokenSalt();
    await issue('user-1', salt);
    await tokens.revoke('user-1');
    expect(lookUp(tokenOf(salt))).toBeNull();
    expect(redis.keys()).toEqual([]);
  });

  it('is harmless when repeated, or for a user without a token', async () => {
    const { tokens, lookUp, issue } = store();
    const other = newTokenSalt();
    await issue('other', other);
    await expect(tokens.revoke('user-1')).resolves.toBeUndefined();
    await expect(tokens.revoke('user-1')).resolves.toBeUndefined();
    expect(lookUp(tokenOf(other))).not.toBeNull();
  });
});
