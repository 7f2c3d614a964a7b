/**
 * Whether a status passes a transition's guard as put into a filter (`{$in: […]}` or `{$nin: […]}`, see
 * domain/models/transition.ts): for the unit tests' stand-ins of a collection's `findOneAndUpdate`.
 */
export function matchesStatus(filter: { $in?: string[]; $nin?: string[] } | undefined, status: string): boolean {
  if (filter?.$in) return filter.$in.includes(status);
  if (filter?.$nin) return !filter.$nin.includes(status);
  return true;
}

/** The filter of a guarded update by `_id`. */
export type GuardedFilter = { _id: string; status?: { $in?: string[]; $nin?: string[] } };
