import { Algorithm, hash, verify } from '@node-rs/argon2';

/** argon2id (OWASP: 19 MiB, 2 passes, 1 lane by default); only the hash ever leaves the API process. */
export function createPasswordHasher(opts: { memoryKib: number; passes: number }) {
  return (password: string): Promise<string> =>
    hash(password, {
      algorithm: Algorithm.Argon2id,
      memoryCost: opts.memoryKib,
      timeCost: opts.passes,
      parallelism: 1,
    });
}

/** Whether the password is the one behind an argon2 hash; a malformed hash verifies nothing. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
