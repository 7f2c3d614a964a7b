import type Redis from 'ioredis';
import { createHash, randomBytes } from 'node:crypto';

export interface AdminSession {
  /** The synchronizer token every form of the console carries and every POST is checked against. */
  csrfToken: string;
  createdAt: string;
}

const newSecret = () => randomBytes(32).toString('base64url');

/**
 * Operator console sessions, in Redis under the app's key prefix: the cookie holds only an opaque random
 * id, Redis only its SHA-256 (a copy of Redis gives no usable session), and each expires after `ttlSeconds`
 * from login, whatever happens in between. Logout deletes it at once.
 */
export function createAdminSessions(deps: { redis: Redis; ttlSeconds: number }) {
  const key = (id: string) => `admin-session:${createHash('sha256').update(id).digest('base64url')}`;
  return {
    ttlSeconds: deps.ttlSeconds,

    async create(): Promise<{ id: string; session: AdminSession }> {
      const id = newSecret();
      const session = { csrfToken: newSecret(), createdAt: new Date().toISOString() };
      await deps.redis.set(key(id), JSON.stringify(session), 'EX', deps.ttlSeconds);
      return { id, session };
    },

    async get(id: string | undefined): Promise<AdminSession | undefined> {
      if (!id || id.length > 100) return undefined;
      const stored = await deps.redis.get(key(id));
      return stored === null ? undefined : (JSON.parse(stored) as AdminSession);
    },

    async destroy(id: string | undefined): Promise<void> {
      if (id && id.length <= 100) await deps.redis.del(key(id));
    },
  };
}

export type AdminSessions = ReturnType<typeof createAdminSessions>;
