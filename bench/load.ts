/** Runs `count` jobs with at most `concurrency` at a time; returns each job's result in order. */
export async function runConcurrently<T>(
  count: number,
  concurrency: number,
  job: (i: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next++;
      results[i] = await job(i);
    }
  });
  await Promise.all(lanes);
  return results;
}

export interface Timed<T> {
  value: T;
  startedAt: number;
  ms: number;
}

export async function timed<T>(fn: () => Promise<T>): Promise<Timed<T>> {
  const startedAt = performance.now();
  const value = await fn();
  return { value, startedAt, ms: performance.now() - startedAt };
}
