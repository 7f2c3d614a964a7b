/**
 * The operator and codec credentials (api/auth.ts): `Authorization: Bearer <token>` with exactly the
 * configured token lets a request through, anything else is 401 UNAUTHORIZED; the constant-time
 * comparison is of fixed-length digests, so a presented token of any length is compared without error.
 */
import type { Request, Response } from 'express';
import { bearerToken, requireAdmin, secretMatcher } from '../../api/auth';
import { HttpError } from '../../api/errors';

const ADMIN_TOKEN = 'operator-secret-token';

/** What `requireAdmin` does with a request carrying `authorization`: passes it on, or the error it gives. */
function check(authorization: string | undefined): 'passed' | HttpError {
  let result: 'passed' | HttpError | undefined;
  const req = { headers: authorization === undefined ? {} : { authorization } } as Request;
  void requireAdmin(ADMIN_TOKEN)(req, {} as Response, (err?: unknown) => {
    result = err === undefined ? 'passed' : (err as HttpError);
  });
  if (result === undefined) throw new Error('requireAdmin neither passed the request on nor failed it');
  return result;
}

describe('operator endpoints', () => {
  it('let a request with the configured bearer token through', () => {
    expect(check(`Bearer ${ADMIN_TOKEN}`)).toBe('passed');
  });

  it.each([
    ['no Authorization header', undefined],
    ['an empty header', ''],
    ['another token', 'Bearer not-the-token'],
    ['the token with a character more', `Bearer ${ADMIN_TOKEN}x`],
    ['a prefix of the token', `Bearer ${ADMIN_TOKEN.slice(0, -1)}`],
    ['the token in another case', `Bearer ${ADMIN_TOKEN.toUpperCase()}`],
    ['the token without "Bearer"', ADMIN_TOKEN],
    ['another scheme', `Basic ${ADMIN_TOKEN}`],
    ['"Bearer" without a token', 'Bearer '],
    ['the token after two spaces', `Bearer  ${ADMIN_TOKEN}`],
  ])('answer 401 UNAUTHORIZED to %s', (_case, authorization) => {
    const result = check(authorization);
    expect(result).toBeInstanceOf(HttpError);
    expect(result).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect((result as HttpError).message).not.toContain(ADMIN_TOKEN);
  });
});

describe('bearerToken', () => {
  it('reads the token of a Bearer header', () => {
    expect(bearerToken('Bearer abc.def-123')).toBe('abc.def-123');
  });

  it.each([undefined, '', 'Bearer', 'Bearer ', 'bearer abc', 'Token abc'])('finds none in %j', (header) => {
    expect(bearerToken(header)).toBeUndefined();
  });
});

describe('secretMatcher', () => {
  const matches = secretMatcher('codec-secret');

  it('accepts exactly the expected secret', () => {
    expect(matches('codec-secret')).toBe(true);
    expect(matches('codec-secreT')).toBe(false);
    expect(matches('')).toBe(false);
    expect(matches(undefined)).toBe(false);
  });

  it('compares secrets of any length without throwing', () => {
    for (const presented of ['c', 'codec-secret-but-much-longer'.repeat(100), '\u{1F600}']) {
      expect(matches(presented)).toBe(false);
    }
  });
});
