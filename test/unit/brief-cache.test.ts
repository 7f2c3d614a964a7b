import { redisBriefCache } from '../../api/services/brief-cache';
import { MemoryRedis } from '../setup/memory-redis';

/** A computation the test finishes when it wants, counting how often it was started. */
function computation<T>() {
  const runs: { resolve: (v: T) => void; reject: (e: Error) => void }[] = [];
  const compute = () => new Promise<T>((resolve, reject) => runs.push({ resolve, reject }));
  return { compute, runs };
}

function setup() {
  const redis = new MemoryRedis();
  return { redis, cache: redisBriefCache(redis.asRedis(), { pollMs: 1 }) };
}

describe('the overview cache (a brief cache in Redis)', () => {
  it('many callers at once on a cold cache: one computes, every caller gets its value', async () => {
    const { cache } = setup();
    const c = computation<{ dead: number }>();
    const callers = Array.from({ length: 5 }, () => cache('overview', 30, c.compute));
    await new Promise((resolve) => setImmediate(resolve));
    c.runs[0].resolve({ dead: 3 });
    expect(await Promise.all(callers)).toEqual(Array.from({ length: 5 }, () => ({ dead: 3 })));
    expect(c.runs).toHaveLength(1);
  });

  it('within the period the kept value is served; after it, computed again', async () => {
    const { redis, cache } = setup();
    let computed = 0;
    const compute = () => Promise.resolve(++computed);
    expect(await cache('overview', 30, compute)).toBe(1);
    expect(await cache('overview', 30, compute)).toBe(1);
    expect(redis.ttlMs('cache:overview')).toBe(30_000);
    redis.advance(30_001);
    expect(await cache('overview', 30, compute)).toBe(2);
    expect(redis.keys()).toEqual(['cache:overview']);
  });

  it('a computation that fails is not kept and leaves no lock: the next caller computes', async () => {
    const { redis, cache } = setup();
    await expect(cache('overview', 30, () => Promise.reject(new Error('MongoDB down')))).rejects.toThrow(
      'MongoDB down',
    );
    expect(redis.keys()).toEqual([]);
    expect(await cache('overview', 30, () => Promise.resolve('ok'))).toBe('ok');
  });

  it('a lock whose holder never stores a value holds the others back for at most the period', async () => {
    const { redis, cache } = setup();
    await redis.set('cache-lock:overview', '1', 'PX', 60_000, 'NX');
    expect(await cache('overview', 0.05, () => Promise.resolve('computed anyway'))).toBe('computed anyway');
    expect(redis.peek('cache-lock:overview')).toBe('1');
  });

  it('a computation that outlasts its lock leaves alone the lock another caller has taken since', async () => {
    const { redis, cache } = setup();
    const c = computation<string>();
    const slow = cache('overview', 30, c.compute);
    await new Promise((resolve) => setImmediate(resolve));
    redis.advance(30_001); // the slow caller's lock lapses; another caller takes it
    await redis.set('cache-lock:overview', 'another caller', 'PX', 30_000, 'NX');
    c.runs[0].resolve('late');
    expect(await slow).toBe('late');
    expect(redis.peek('cache-lock:overview')).toBe('another caller');
  });
});
