import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export interface TestIdentityProvider {
  issuer: string;
  /** A JWT with `claims`, signed as an identity provider would, or wrongly as `opts` asks. */
  token(claims: Record<string, unknown>, opts?: { alg?: 'RS256' | 'none' | 'HS256'; key?: KeyObject }): string;
  /** The issuer's public key, for an HS256 token that uses it as a shared secret (the classic key confusion). */
  publicKeyPem: string;
  stop(): Promise<void>;
}

/**
 * An OpenID Connect identity provider as far as a resource server sees one: a discovery document at
 * `<issuer>/.well-known/openid-configuration` and its RSA signing key at `jwks_uri`, on 127.0.0.1. Its
 * tokens are signed here with node:crypto, apart from the library the API verifies them with.
 */
export async function startIdentityProvider(): Promise<TestIdentityProvider> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'test-signing-key';
  let issuer = '';
  const server: Server = createServer((req, res) => {
    const send = (body: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/.well-known/openid-configuration') return send({ issuer, jwks_uri: `${issuer}/jwks` });
    if (req.url === '/jwks')
      return send({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' }] });
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const publicKeyPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  return {
    issuer,
    publicKeyPem,
    token(claims, { alg = 'RS256', key = privateKey } = {}) {
      const input = `${base64url({ alg, typ: 'JWT', kid })}.${base64url(claims)}`;
      const signature =
        alg === 'none'
          ? ''
          : alg === 'HS256'
            ? createHmac('sha256', publicKeyPem).update(input).digest('base64url')
            : sign('sha256', Buffer.from(input), key).toString('base64url');
      return `${input}.${signature}`;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
