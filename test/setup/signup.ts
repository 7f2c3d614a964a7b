import { randomUUID } from 'node:crypto';
import { eventually, request } from './http';

/** Drives the API under test the way a client and an operator would. */
export function signupClient(baseUrl: string, adminToken: string) {
  const admin = { authorization: `Bearer ${adminToken}` };
  const api = (method: string, path: string, opts?: Parameters<typeof request>[3]) =>
    request(baseUrl, method, path, opts);

  /** A request repeated while the API answers 503 (a dependency is restarting or slow), as a client would. */
  const retryingUnavailable = (method: string, path: string, opts?: Parameters<typeof request>[3]) =>
    eventually(
      async () => {
        const r = await api(method, path, opts);
        return r.status === 503 ? undefined : r;
      },
      `${method} ${path} answered`,
      60_000,
    );

  async function messagesOf(userId: string) {
    const res = await api('GET', '/api/messages?limit=200', { headers: admin });
    if (res.status !== 200) throw new Error(`GET /api/messages answered ${res.status}`);
    return (res.body.items as { messageKey: string; userId: string; tag: string; status: string }[]).filter(
      (m) => m.userId === userId,
    );
  }

  /** The operator's view of the user registered with `email`, and its registration's stage and workflow. */
  async function lookUp(email: string) {
    const res = await retryingUnavailable('GET', `/api/users?email=${encodeURIComponent(email)}`, { headers: admin });
    if (res.status !== 200)
      throw new Error(`GET /api/users?email= answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as { userId: string; workflowId: string; stage: string; status: string; loginName: string };
  }

  return {
    api,
    admin,
    messagesOf,
    newUser() {
      const id = randomUUID().slice(0, 8);
      return { loginName: `user_${id}`, email: `user.${id}@example.test`, password: 'correct horse battery staple' };
    },
    retryingUnavailable,
    /**
     * Registers, retrying while the API answers 503, as a client would; the answer carries no user id
     * (it is the same for a taken address), so the operator's lookup by e-mail gives it.
     */
    async register(user: { email: string }, headers: Record<string, string> = {}): Promise<string> {
      const res = await retryingUnavailable('POST', '/api/users/register', { json: user, headers });
      if (res.status !== 202) throw new Error(`register answered ${res.status}: ${JSON.stringify(res.body)}`);
      return (await lookUp(user.email)).userId;
    },
    lookUp,
    /** Waits until the user's message with `tag` has `status`, and returns it with its confirms. */
    async messageWith(userId: string, tag: string, status: string, timeoutMs = 60_000) {
      const message = await eventually(
        async () => (await messagesOf(userId)).find((m) => m.tag === tag && m.status === status),
        `${tag} message ${status}`,
        timeoutMs,
      );
      const detail = await api('GET', `/api/messages/${message.messageKey}`, { headers: admin });
      return detail.body;
    },
  };
}

/**
 * What the button of the link's page does: a form POST of the token to the link (opening the link
 * activates nothing). Answered in JSON unless `accept` asks for the page.
 */
export function activate(link: string, headers: Record<string, string> = {}) {
  const token = link.slice(link.lastIndexOf('/') + 1);
  return request(link, 'POST', '', {
    raw: new URLSearchParams({ token }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
  });
}

export const activationLink = (text: string) => /(http:\/\/\S+\/api\/users\/activate\/[A-Za-z0-9_-]+)/.exec(text)?.[1];
