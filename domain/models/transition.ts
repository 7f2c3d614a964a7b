import type { Model, UpdateQuery } from 'mongoose';

/**
 * Moves one document (found by `_id`) to a new state if its current status allows it; returns the
 * status it had (undefined when there is no such document).
 *
 * A read by `_id`, then an update by `_id` alone: on FerretDB only a filter on `_id` alone is pushed
 * down to an index, any other condition scans the collection. The two steps are not atomic, which is
 * safe here because each document's transitions are made by one workflow, one step at a time.
 */
export async function transition<T extends { status: string }>(
  model: Model<T>,
  _id: string,
  allowed: (status: string) => boolean,
  update: UpdateQuery<T>,
): Promise<string | undefined> {
  const current = await model.findById(_id, { status: 1 }).lean<{ status: string }>();
  if (current && allowed(current.status)) await model.updateOne({ _id }, update);
  return current?.status;
}

export const is =
  (...statuses: string[]) =>
  (status: string) =>
    statuses.includes(status);

export const isNot =
  (...statuses: string[]) =>
  (status: string) =>
    !statuses.includes(status);
