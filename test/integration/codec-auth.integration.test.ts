/**
 * Who may use the codec (api/codec-auth.ts), on the real API: a client with `Authorization: Bearer
 * $CODEC_TOKEN`, a person signed on to the Web UI (the access token it forwards, a JWT checked against
 * a test identity provider's published key), or an operator logged in to the console (its session
 * cookie, which a Web UI without sign-on sends along). Never a token in the URL, and nobody else.
 */
import { generateKeyPairSync } from 'node:crypto';
import { startApp, type RunningApp } from '../setup/app';
import { request } from '../setup/http';
import { startIdentityProvider, type TestIdentityProvider } from '../setup/identity-provider';

const CODEC_TOKEN = 'codec-auth-token';
const ADMIN_TOKEN = 'codec-auth-admin';
const AUDIENCE = 'reliable-signup-codec';
const UI_ORIGIN = 'http://localhost:8233';
const SECRET_TEXT = 'what only the codec can read';

let idp: TestIdentityProvider;
let app: RunningApp;
/** A payload as the Web UI sends it, encrypted with the API's key. */
let encrypted: unknown;

beforeAll(async () => {
  idp = await startIdentityProvider();
  app = await startApp({
    CODEC_TOKEN,
    ADMIN_TOKEN,
    CODEC_OIDC_ISSUER: idp.issuer,
    CODEC_OIDC_AUDIENCE: AUDIENCE,
    CODEC_CORS_ORIGINS: UI_ORIGIN,
  });
  const plain = {
    metadata: { encoding: Buffer.from('json/plain').toString('base64') },
    data: Buffer.from(JSON.stringify(SECRET_TEXT)).toString('base64'),
  };
  const res = await request(app.baseUrl, 'POST', '/codec/encode', {
    json: { payloads: [plain] },
    headers: { authorization: `Bearer ${CODEC_TOKEN}` },
  });
  expect(res.status).toBe(200);
  encrypted = res.body.payloads[0];
  expect(JSON.stringify(encrypted)).not.toContain(Buffer.from(JSON.stringify(SECRET_TEXT)).toString('base64'));
});
afterAll(async () => {
  await app?.stop();
  await idp?.stop();
});

/** Asks the codec to decode the payload; `decoded` is its text when it did. */
async function decode(headers: Record<string, string>, path = '/codec/decode') {
  const res = await request(app.baseUrl, 'POST', path, { json: { payloads: [encrypted] }, headers });
  const data = res.body?.payloads?.[0]?.data as string | undefined;
  return {
    status: res.status,
    code: res.body?.error?.code as string | undefined,
    decoded: data && JSON.parse(Buffer.from(data, 'base64').toString()),
  };
}

const now = () => Math.floor(Date.now() / 1000);
const claims = (over: Record<string, unknown> = {}) => ({
  iss: idp.issuer,
  aud: AUDIENCE,
  sub: 'operator@example.com',
  iat: now(),
  exp: now() + 300,
  ...over,
});
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('a client with the codec token, in a header', () => {
  test('decodes', async () => {
    expect(await decode(bearer(CODEC_TOKEN))).toEqual({ status: 200, code: undefined, decoded: SECRET_TEXT });
  });

  test('a wrong token, or none, is refused', async () => {
    for (const headers of [bearer('not-the-codec-token'), {}]) {
      expect(await decode(headers)).toMatchObject({ status: 401, code: 'UNAUTHORIZED', decoded: undefined });
    }
  });

  test('the token as a path segment, as the Web UI settings once showed it, decodes nothing', async () => {
    const inPath = await decode({}, `/codec/${CODEC_TOKEN}/decode`);
    expect(inPath).toMatchObject({ status: 404, decoded: undefined });
  });
});

describe('a person signed on to the Web UI, by the access token it forwards', () => {
  test('a token of the issuer, for this audience, unexpired, decodes', async () => {
    expect(await decode(bearer(idp.token(claims())))).toEqual({ status: 200, code: undefined, decoded: SECRET_TEXT });
  });

  test.each([
    ['another issuer', () => idp.token(claims({ iss: 'https://elsewhere.example.com' }))],
    ['another audience', () => idp.token(claims({ aud: 'another-api' }))],
    ['an expired one', () => idp.token(claims({ iat: now() - 900, exp: now() - 600 }))],
    ['one without an expiry', () => idp.token(claims({ exp: undefined }))],
    [
      'one signed with another key',
      () => idp.token(claims(), { key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey }),
    ],
    ['an unsigned one (alg none)', () => idp.token(claims(), { alg: 'none' })],
    ['one "signed" with the public key as an HMAC secret', () => idp.token(claims(), { alg: 'HS256' })],
    ['a token altered after signing', () => tampered(idp.token(claims()))],
  ])('%s is refused', async (_what, token) => {
    expect(await decode(bearer(token()))).toMatchObject({ status: 401, code: 'UNAUTHORIZED', decoded: undefined });
  });
});

/** The token with its claims swapped for an administrator's, its signature kept. */
function tampered(token: string): string {
  const [header, , signature] = token.split('.');
  return [header, Buffer.from(JSON.stringify(claims({ sub: 'admin' }))).toString('base64url'), signature].join('.');
}

describe('an operator logged in to the console, by the session cookie', () => {
  /** Logs in through the console's form; returns the session cookie's Set-Cookie lines. */
  async function logIn(): Promise<string[]> {
    const page = await fetch(`${app.baseUrl}/admin/login`);
    const loginCookie = page.headers
      .getSetCookie()
      .find((c) => c.startsWith('admin_login='))!
      .split(';')[0];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
    const res = await fetch(`${app.baseUrl}/admin/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: loginCookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, token: ADMIN_TOKEN }),
    });
    expect(res.status).toBe(303);
    return res.headers.getSetCookie().filter((c) => c.startsWith('admin_session='));
  }
  const pathOf = (setCookie: string) => /; Path=([^;]+)/i.exec(setCookie)?.[1];

  test('the login sends it to the codec too, HttpOnly and SameSite=Strict, and it decodes until logout', async () => {
    const cookies = await logIn();
    expect(cookies.map(pathOf).sort()).toEqual(['/admin', '/codec']);
    const forCodec = cookies.find((c) => pathOf(c) === '/codec')!;
    expect(forCodec).toMatch(/; HttpOnly/i);
    expect(forCodec).toMatch(/; SameSite=Strict/i);
    const session = forCodec.split(';')[0];
    expect(await decode({ cookie: session })).toEqual({ status: 200, code: undefined, decoded: SECRET_TEXT });

    // Logging out (a form of the console, with its CSRF token) ends it for the codec as well.
    const overview = await fetch(`${app.baseUrl}/admin`, { headers: { cookie: session } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await overview.text())![1];
    const logout = await fetch(`${app.baseUrl}/admin/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: session, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf }),
    });
    expect(logout.status).toBe(303);
    const cleared = logout.headers.getSetCookie().filter((c) => c.startsWith('admin_session=;'));
    expect(cleared.map(pathOf).sort()).toEqual(['/admin', '/codec']);
    expect(await decode({ cookie: session })).toMatchObject({ status: 401, decoded: undefined });
  });

  test('a session id that was never issued is refused', async () => {
    expect(await decode({ cookie: 'admin_session=made-up-session-id' })).toMatchObject({
      status: 401,
      decoded: undefined,
    });
  });
});

test('the Web UI’s preflight is answered for its origin, with credentials and the headers it sends', async () => {
  const res = await fetch(`${app.baseUrl}/codec/decode`, {
    method: 'OPTIONS',
    headers: {
      origin: UI_ORIGIN,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,authorization-extras,content-type,x-namespace',
    },
  });
  expect(res.status).toBeLessThan(300);
  expect(res.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
  expect(res.headers.get('access-control-allow-credentials')).toBe('true');
  expect(res.headers.get('access-control-allow-headers')?.toLowerCase().split(',')).toEqual(
    expect.arrayContaining(['authorization', 'authorization-extras', 'content-type', 'x-namespace']),
  );
  const other = await fetch(`${app.baseUrl}/codec/decode`, {
    method: 'OPTIONS',
    headers: { origin: 'http://localhost:9999', 'access-control-request-method': 'POST' },
  });
  expect(other.headers.get('access-control-allow-origin')).toBeNull();
});
