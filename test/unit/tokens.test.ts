/**
 * Activation tokens (domain/tokens.ts): a 256-bit HMAC-SHA256 of a per-mail salt under the server
 * secret, the salt 128 bits from the CSPRNG, Redis keyed by the token's SHA-256. The derivation is
 * pinned by a known answer computed with openssl: a change to it would break every link already mailed.
 */
import {
  deriveActivationToken,
  hashToken,
  newTokenSalt,
  TOKEN_PATTERN,
  tokenKey,
  userTokenKey,
} from '../../domain/tokens';

const SECRET = 'dev-only-activation-secret-change-me';

describe('deriveActivationToken', () => {
  it('is HMAC-SHA256 of "activation:<salt>" under the secret, in base64url (known answer from openssl)', () => {
    // printf 'activation:AAAAAAAAAAAAAAAAAAAAAA' | openssl dgst -sha256 -hmac "$SECRET" -binary \
    //   | base64 | tr '+/' '-_' | tr -d =
    expect(deriveActivationToken(SECRET, 'AAAAAAAAAAAAAAAAAAAAAA')).toBe('jwLZaoI_p_TiOS7d9YA9jIJo3zk78SercsxYLes5oBc');
  });

  it('gives 256 bits, written as 43 URL-safe characters that the activation route accepts', () => {
    const token = deriveActivationToken(SECRET, newTokenSalt());
    expect(token).toMatch(TOKEN_PATTERN);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(encodeURIComponent(token)).toBe(token);
  });

  it('gives the same token for the same salt and secret: the worker derives what the API expects', () => {
    const salt = newTokenSalt();
    expect(deriveActivationToken(SECRET, salt)).toBe(deriveActivationToken(SECRET, salt));
  });

  it('gives another token for another salt, so a resend makes a new link', () => {
    expect(deriveActivationToken(SECRET, newTokenSalt())).not.toBe(deriveActivationToken(SECRET, newTokenSalt()));
  });

  it('gives another token under another secret, so the stored salt alone does not give the token', () => {
    const salt = newTokenSalt();
    expect(deriveActivationToken(SECRET, salt)).not.toBe(deriveActivationToken(`${SECRET}-rotated`, salt));
  });

  it('does not show the salt in the token', () => {
    const salt = newTokenSalt();
    expect(deriveActivationToken(SECRET, salt)).not.toContain(salt);
  });
});

describe('newTokenSalt', () => {
  it('is 128 bits, in base64url', () => {
    const salt = newTokenSalt();
    expect(salt).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(salt, 'base64url')).toHaveLength(16);
  });

  it('is drawn afresh each time: 10 000 draws, no repeat', () => {
    const salts = new Set(Array.from({ length: 10_000 }, newTokenSalt));
    expect(salts.size).toBe(10_000);
  });

  it('uses the whole alphabet, as random bytes do', () => {
    const seen = new Set(Array.from({ length: 2_000 }, newTokenSalt).join(''));
    expect(seen.size).toBe(64);
  });
});

describe('hashToken', () => {
  it('is the SHA-256 of the token in hex (FIPS 180-2 known answer)', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('of a derived token is what Redis is keyed by (known answer from sha256sum)', () => {
    const token = deriveActivationToken(SECRET, 'AAAAAAAAAAAAAAAAAAAAAA');
    expect(hashToken(token)).toBe('585e29a5899d84dc5faae1a22adfbf74c7207a1ec22b9003c2ea40d5ffcfee8f');
    expect(tokenKey(hashToken(token))).toBe(
      'activation:token:585e29a5899d84dc5faae1a22adfbf74c7207a1ec22b9003c2ea40d5ffcfee8f',
    );
  });

  it('does not contain the token', () => {
    const token = deriveActivationToken(SECRET, newTokenSalt());
    expect(hashToken(token)).not.toContain(token);
    expect(tokenKey(hashToken(token))).not.toContain(token);
  });
});

describe('TOKEN_PATTERN', () => {
  it.each([
    ['42 characters', 'a'.repeat(42)],
    ['44 characters', 'a'.repeat(44)],
    ['base64 with "+" and "/"', `${'a'.repeat(41)}+/`],
    ['padding', `${'a'.repeat(42)}=`],
    ['a dot', `${'a'.repeat(42)}.`],
    ['a path', `${'a'.repeat(21)}/${'a'.repeat(21)}`],
    ['a trailing newline', `${'a'.repeat(43)}\n`],
    ['nothing', ''],
  ])('refuses %s, which cannot be a token that was issued', (_case, candidate) => {
    expect(TOKEN_PATTERN.test(candidate)).toBe(false);
  });
});

describe('Redis keys', () => {
  it('name the token by its hash and the user by its id', () => {
    expect(tokenKey('abc123')).toBe('activation:token:abc123');
    expect(userTokenKey('user-1')).toBe('activation:user:user-1');
  });
});
