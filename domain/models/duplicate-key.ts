/** Whether a write failed only on a unique index (E11000): the document was written before. */
export function isDuplicateKeyError(err: unknown): boolean {
  const e = err as { code?: number; writeErrors?: { code?: number }[] };
  return e?.code === 11000 || (e?.writeErrors?.length ? e.writeErrors.every((w) => w.code === 11000) : false);
}
