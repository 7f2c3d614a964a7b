import type Redis from 'ioredis';
import { createAdminSessions } from '../../api/services/admin-sessions';
import { MemoryRedis } from '../setup/memory-redis';

function sessions() {
  const redis = new MemoryRedis();
  return { redis, store: createAdminSessions({ redis: redis as unknown as Redis, ttlSeconds: 600 }) };
}

describe('operator console sessions', () => {
  it('a new session is found by its id, with its CSRF token; Redis holds neither the id nor anything without expiry', async () => {
    const { redis, store } = sessions();
    const { id, session } = await store.create();
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await store.get(id)).toEqual(session);
    expect(redis.keys()).toHaveLength(1);
    expect(redis.keys()[0]).toMatch(/^admin-session:/);
    expect(redis.keys()[0]).not.toContain(id);
    expect(redis.ttlMs(redis.keys()[0])).toBe(600_000);
  });

  it('ends when it expires, or at logout', async () => {
    const { redis, store } = sessions();
    const a = await store.create();
    redis.advance(600_001);
    expect(await store.get(a.id)).toBeUndefined();
    const b = await store.create();
    await store.destroy(b.id);
    expect(await store.get(b.id)).toBeUndefined();
  });

  it('an unknown, missing or oversized id is no session', async () => {
    const { store } = sessions();
    await store.create();
    expect(await store.get('guess')).toBeUndefined();
    expect(await store.get(undefined)).toBeUndefined();
    expect(await store.get('x'.repeat(1000))).toBeUndefined();
  });
});
