/**
 * Every console route and every route that wants the admin token, asked with no credentials in each
 * spelling a client or a proxy may produce: lower, upper and mixed case, a trailing slash, a
 * percent-encoded letter, a doubled slash. Each is refused: 401, 403 or 404, or, for a page under the
 * console's mount, the console's guard asking for the login with a redirect to it. No answer shows the
 * registered address, and the DEAD message they could resend stays DEAD.
 */
import { startApp, type RunningApp } from '../setup/app';
import { startPrivateServer, type PrivateServer } from '../setup/private-server';
import { signupClient } from '../setup/signup';

let smtp: PrivateServer;
let app: RunningApp;
let client: ReturnType<typeof signupClient>;

beforeAll(async () => {
  smtp = await startPrivateServer('smtp');
  app = await startApp({ ...smtp.env, ADMIN_TOKEN: 'spellings-admin', DELIVERY_MAX_ATTEMPTS: '1' });
  client = signupClient(app.baseUrl, 'spellings-admin');
});
afterAll(async () => {
  await app?.stop();
  await smtp?.stop();
});

/** Routes as templates: `{key}` is a DEAD message's key, `{user}` a user's id, kept as they are in every spelling. */
const ROUTES: [method: string, template: string][] = [
  ['GET', '/admin'],
  ['GET', '/admin/messages'],
  ['GET', '/admin/messages/{key}'],
  ['GET', '/admin/registrations?email={email}'],
  ['GET', '/admin/resend-dead?topic=SEND_EMAIL'],
  ['POST', '/admin/resend-dead'],
  ['POST', '/admin/messages/{key}/resend'],
  ['POST', '/admin/logout'],
  ['GET', '/admin/templates'],
  ['GET', '/admin/templates?template=activation&locale=de'],
  ['GET', '/admin/templates/frame?template=activation&locale=de'],
  ['GET', '/api/messages'],
  ['GET', '/api/messages/{key}'],
  ['POST', '/api/messages/resend-dead'],
  ['POST', '/api/messages/{key}/resend'],
  ['GET', '/api/users?email={email}'],
  ['GET', '/api/users/{user}'],
];

const mixedCase = (s: string) => [...s].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join('');

/** The spellings of a path template; only the literal part is respelled, never a value put in later. */
function spellingsOf(template: string): Record<string, string> {
  const [path, query] = template.split('?');
  const q = query ? `?${query}` : '';
  const literal = (f: (segment: string) => string) =>
    path
      .split('/')
      .map((segment) => (segment.startsWith('{') ? segment : f(segment)))
      .join('/');
  const first = path.split('/')[1];
  return {
    exact: path + q,
    upper: literal((s) => s.toUpperCase()) + q,
    mixed: literal(mixedCase) + q,
    capitalised: literal((s) => s.charAt(0).toUpperCase() + s.slice(1)) + q,
    trailingSlash: `${path}/${q}`,
    percentEncoded: `/%${first.charCodeAt(0).toString(16)}${path.slice(2)}${q}`,
    leadingDoubleSlash: `/${path}${q}`,
    innerDoubleSlash: path.replace(/^(\/[^/]+)\//, '$1//') + q,
  };
}

test('no spelling of a guarded route reaches it without credentials, and nothing is resent', async () => {
  await smtp.stop();
  const user = client.newUser();
  const userId = await client.register(user);
  const dead = await client.messageWith(userId, 'ACTIVE_USER', 'DEAD');

  const answers: string[] = [];
  for (const [method, template] of ROUTES) {
    for (const [spelling, path] of Object.entries(spellingsOf(template))) {
      const url = path
        .replace('{key}', dead.messageKey)
        .replace('{user}', userId)
        .replace('{email}', encodeURIComponent(user.email));
      const res = await fetch(`${app.baseUrl}${url}`, {
        method,
        redirect: 'manual',
        headers: method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
        body: method === 'POST' ? 'topic=SEND_EMAIL' : undefined,
      });
      const body = await res.text();
      const loginAsked = res.status === 303 && res.headers.get('location') === '/admin/login';
      const refused = [401, 403, 404].includes(res.status) || (method === 'GET' && loginAsked);
      if (!refused || body.includes(user.email)) answers.push(`${method} ${url} (${spelling}) → ${res.status}`);
    }
  }
  expect(answers).toEqual([]);

  const after = await client.api('GET', `/api/messages/${dead.messageKey}`, { headers: client.admin });
  expect(after.body).toMatchObject({ status: 'DEAD', resendCount: 0 });
});
