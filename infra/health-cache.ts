/**
 * `check`, its answer reused for `ttlMs` after it comes: callers in that time, and callers while a check
 * is under way, share that one check. GET /health is public, and each check opens an SMTP connection
 * and asks Temporal, MongoDB and Redis: without this, every call would cost them as much.
 */
export function cachedCheck<T>(check: () => Promise<T>, ttlMs: number, now = Date.now): () => Promise<T> {
  let current: { answer: Promise<T>; expiresAt: number } | undefined;
  return () => {
    if (!current || now() >= current.expiresAt) {
      const entry = { answer: check(), expiresAt: Infinity };
      current = entry;
      entry.answer.then(
        () => (entry.expiresAt = now() + ttlMs),
        () => (entry.expiresAt = 0), // a check that throws is not kept: the next caller tries again
      );
    }
    return current.answer;
  };
}
