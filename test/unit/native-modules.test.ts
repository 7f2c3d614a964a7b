/**
 * The two native modules the worker and the API load: prebuilt binaries, not compiled here, that must
 * work on every supported Node.js line. .ci/run runs this layer on each of them (docs/node-versions.md).
 */
import { verify } from '@node-rs/argon2';
import { native } from '@temporalio/core-bridge';
import { createPasswordHasher } from '../../api/services/password';

test(`the Temporal SDK's native bridge loads and answers a call on Node.js ${process.version}`, () => {
  const before = BigInt(Date.now());
  const nanoseconds = native.getTimeOfDay();
  const after = BigInt(Date.now());
  // The bridge's clock, in nanoseconds since the epoch, read between two readings of the JavaScript one.
  expect(nanoseconds / 1_000_000n).toBeGreaterThanOrEqual(before);
  expect(nanoseconds / 1_000_000n).toBeLessThanOrEqual(after);
});

test(`argon2 hashes a password and tells it from another on Node.js ${process.version}`, async () => {
  const hashPassword = createPasswordHasher({ memoryKib: 19_456, passes: 2 });
  const stored = await hashPassword('correct horse battery staple');
  expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  expect(await verify(stored, 'correct horse battery staple')).toBe(true);
  expect(await verify(stored, 'correct horse battery stapler')).toBe(false);
});
