/**
 * The activation mail's code (domain/activation-codes.ts, activities/tokens.ts): six digits derived from
 * the mail's salt, the same for the same salt and another for a resend's, spread evenly over the digits;
 * Redis keeps only its keyed hash with the address, next to the token's hash, and forgets it with the token.
 */
import { createActivationTokens, createTokenActivities } from '../../activities/tokens';
import {
  activationCodeHmac,
  addressHash,
  codeKey,
  deriveActivationCode,
  sameCodeHmac,
  type CodeRecord,
} from '../../domain/activation-codes';
import { deriveActivationToken, hashToken, newTokenSalt } from '../../domain/tokens';
import { MemoryRedis } from '../setup/memory-redis';

const SECRET = 'a-long-random-secret-for-the-tests';
const CODE_KEY = 'another-long-random-key-for-codes';
const DAY = 24 * 60 * 60;

describe('the code', () => {
  it('is six digits, the same for one salt and another for another', () => {
    const salt = newTokenSalt();
    const code = deriveActivationCode(SECRET, salt);
    expect(code).toMatch(/^[0-9]{6}$/);
    expect(deriveActivationCode(SECRET, salt)).toBe(code);
    expect(deriveActivationCode('another-secret-of-some-length', salt)).not.toBe(code);
    const others = Array.from({ length: 20 }, () => deriveActivationCode(SECRET, newTokenSalt()));
    expect(new Set(others).size).toBeGreaterThan(15);
  });

  it('spreads evenly over the digits, leading zeros kept', () => {
    const counts = new Array<number>(10).fill(0);
    const draws = 5000;
    for (let i = 0; i < draws; i++) counts[Number(deriveActivationCode(SECRET, `salt-${i}`)[0])]++;
    // Each first digit expected 500 times; a uniform draw stays within ±120 of it with certainty for practical purposes (> 5 sigma).
    for (const count of counts) expect(Math.abs(count - draws / 10)).toBeLessThan(120);
  });
});

describe('its keyed hash', () => {
  const hmac = activationCodeHmac(CODE_KEY, 'alice@example.com', '123456');

  it('depends on the key, the address and the code', () => {
    expect(activationCodeHmac(CODE_KEY, 'alice@example.com', '123456')).toBe(hmac);
    expect(activationCodeHmac('some-other-key-for-the-codes', 'alice@example.com', '123456')).not.toBe(hmac);
    expect(activationCodeHmac(CODE_KEY, 'bob@example.com', '123456')).not.toBe(hmac);
    expect(activationCodeHmac(CODE_KEY, 'alice@example.com', '123457')).not.toBe(hmac);
  });

  it('compares equal only to itself, whatever the other side', () => {
    expect(sameCodeHmac(hmac, activationCodeHmac(CODE_KEY, 'alice@example.com', '123456'))).toBe(true);
    expect(sameCodeHmac(hmac, activationCodeHmac(CODE_KEY, 'alice@example.com', '654321'))).toBe(false);
    expect(sameCodeHmac(hmac, hmac.slice(0, 10))).toBe(false);
    expect(sameCodeHmac(hmac, '')).toBe(false);
  });
});

describe('in Redis', () => {
  function store() {
    const redis = new MemoryRedis();
    const tokens = createActivationTokens({ redis: redis.asRedis(), tokenSecret: SECRET, codeKey: CODE_KEY });
    const codeOf = (email: string) => {
      const stored = redis.peek(codeKey(addressHash(email)));
      return stored === undefined ? undefined : (JSON.parse(stored) as CodeRecord);
    };
    return { redis, tokens, codeOf };
  }
  const issue = (tokens: ReturnType<typeof store>['tokens'], tokenSalt: string, email?: string) =>
    tokens.issue({ userId: 'user-1', workflowId: 'registration-x', tokenSalt, ttlSeconds: DAY, email });

  it('keeps the keyed hash of the code under the hash of the address, with the token it redeems, for as long', async () => {
    const { redis, tokens, codeOf } = store();
    const salt = newTokenSalt();
    await issue(tokens, salt, 'Alice@Example.com ');
    const code = deriveActivationCode(SECRET, salt);
    expect(codeOf('alice@example.com')).toEqual({
      codeHmac: activationCodeHmac(CODE_KEY, 'alice@example.com', code),
      tokenHash: hashToken(deriveActivationToken(SECRET, salt)),
    });
    expect(redis.ttlMs(codeKey(addressHash('alice@example.com')))).toBe(DAY * 1000);
    const everything = redis
      .keys()
      .map((k) => `${k}=${redis.peek(k)}`)
      .join('\n');
    expect(everything).not.toContain(code);
    expect(everything).not.toContain('alice@example.com');
  });

  it('replaces the code on a resend, and forgets it with the token', async () => {
    const { tokens, codeOf } = store();
    await issue(tokens, newTokenSalt(), 'alice@example.com');
    const first = codeOf('alice@example.com');
    const resent = newTokenSalt();
    await createTokenActivities(tokens, async () => 'alice@example.com').issueActivationToken({
      userId: 'user-1',
      workflowId: 'registration-x',
      tokenSalt: resent,
      ttlSeconds: DAY,
    });
    expect(codeOf('alice@example.com')).not.toEqual(first);
    expect(codeOf('alice@example.com')?.tokenHash).toBe(hashToken(deriveActivationToken(SECRET, resent)));
    await tokens.revoke('user-1');
    expect(codeOf('alice@example.com')).toBeUndefined();
  });

  it('keeps no code when the address is not known (a registration issued before codes): the link alone works', async () => {
    const { redis, tokens } = store();
    await issue(tokens, newTokenSalt());
    expect(redis.keys().some((k) => k.startsWith('activation:code'))).toBe(false);
  });
});
