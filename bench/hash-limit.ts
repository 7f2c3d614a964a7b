import { availableParallelism } from 'node:os';
import { createPasswordHasher } from '../api/services/password';

/** Password hashes per second at the given cost, with every core busy: no registration pipeline can beat it. */
export async function hashLimit(cost: { memoryKib: number; passes: number }, seconds = 5): Promise<number> {
  const hash = createPasswordHasher(cost);
  const lanes = availableParallelism();
  const end = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (performance.now() < end) {
        await hash('correct horse battery staple');
        done++;
      }
    }),
  );
  return done / seconds;
}
