/**
 * Stand-ins for the unit tests of the audit trail's writes: the claims of state changes
 * (domain/models/audit-transition.ts) in memory, and a trail entry's `$push` or `$addToSet` as a
 * collection applies it.
 */
import { isDeepStrictEqual } from 'node:util';
import { AuditTransition } from '../../domain/models';

/** The claims collection in memory: an insert of a taken `_id` fails with E11000, as on every backend. */
export function stubAuditTransitions(): Map<string, Record<string, unknown>> {
  const claims = new Map<string, Record<string, unknown>>();
  jest.spyOn(AuditTransition.collection, 'insertOne').mockImplementation((async (doc: { _id: string }) => {
    if (claims.has(doc._id)) throw Object.assign(new Error('E11000 duplicate key error'), { code: 11000 });
    claims.set(doc._id, { ...doc });
    return Promise.resolve({ acknowledged: true, insertedId: doc._id });
  }) as never);
  jest
    .spyOn(AuditTransition.collection, 'findOne')
    .mockImplementation((async ({ _id }: { _id: string }) => Promise.resolve(claims.get(_id) ?? null)) as never);
  return claims;
}

export type HistoryUpdate<E> = { $push?: { history: E }; $addToSet?: { history: E } };

/** Appends an update's trail entry to `history`: `$addToSet` only when no equal entry is there. */
export function applyHistory<E>(history: E[], update: HistoryUpdate<E>): void {
  if (update.$push) history.push(update.$push.history);
  const entry = update.$addToSet?.history;
  if (entry && !history.some((h) => isDeepStrictEqual(h, entry))) history.push(entry);
}
