/**
 * `cachedCheck` (infra/health-cache.ts), which GET /health answers through: callers share one check
 * while it runs and for the cache period after, then the next caller starts a fresh one.
 */
import { cachedCheck } from '../../infra/health-cache';

/** A check whose runs the test counts and finishes by hand, on a clock the test moves. */
function setup(ttlMs: number) {
  let clock = 0;
  const runs: ((value: string) => void)[] = [];
  const check = () => new Promise<string>((resolve) => runs.push(resolve));
  return {
    cached: cachedCheck(check, ttlMs, () => clock),
    runs,
    advance: (ms: number) => (clock += ms),
  };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

it('callers while a check runs share it', async () => {
  const { cached, runs } = setup(5000);
  const answers = Promise.all([cached(), cached(), cached()]);
  expect(runs).toHaveLength(1);
  runs[0]('up');
  expect(await answers).toEqual(['up', 'up', 'up']);
});

it('the answer is reused for the cache period after it came, then checked again', async () => {
  const { cached, runs, advance } = setup(5000);
  const first = cached();
  advance(10_000); // a slow check: the period starts when its answer comes
  runs[0]('up');
  await first;
  await settled();
  advance(4999);
  expect(await cached()).toBe('up');
  expect(runs).toHaveLength(1);
  advance(1);
  const next = cached();
  expect(runs).toHaveLength(2);
  runs[1]('down');
  expect(await next).toBe('down');
});

it('a check that throws is not kept', async () => {
  let calls = 0;
  const cached = cachedCheck(async () => {
    calls++;
    if (calls === 1) throw new Error('boom');
    return 'up';
  }, 5000);
  await expect(cached()).rejects.toThrow('boom');
  await settled();
  expect(await cached()).toBe('up');
  expect(calls).toBe(2);
});
