import { createHash, timingSafeEqual } from 'node:crypto';

/** Whether two strings are equal, in a time that tells nothing of where they differ (nor of their lengths). */
export function equalInConstantTime(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected)) && given.length === expected.length;
}
