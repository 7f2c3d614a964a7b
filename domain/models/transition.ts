import type { Model, UpdateQuery } from 'mongoose';

/** The states a transition may start from: tested on a status read, or put into an update's filter. */
export interface StatusGuard {
  allows: (status: string) => boolean;
  filter: { $in: string[] } | { $nin: string[] };
}

export const is = (...statuses: string[]): StatusGuard => ({
  allows: (status) => statuses.includes(status),
  filter: { $in: statuses },
});

export const isNot = (...statuses: string[]): StatusGuard => ({
  allows: (status) => !statuses.includes(status),
  filter: { $nin: statuses },
});

/**
 * Moves one document (found by `_id`) to a new state if its current status allows it; returns the
 * status it had (undefined when there is no such document).
 *
 * A read by `_id`, then an update by `_id` alone. The two steps are not atomic, which is safe here
 * because each document's transitions are made by one workflow, one step at a time.
 */
export async function transition<T extends { status: string }>(
  model: Model<T>,
  _id: string,
  allowed: StatusGuard,
  update: UpdateQuery<T>,
): Promise<string | undefined> {
  const current = await model.findById(_id, { status: 1 }).lean<{ status: string }>();
  if (current && allowed.allows(current.status)) await model.updateOne({ _id }, update);
  return current?.status;
}
