import type { Model, UpdateQuery } from 'mongoose';
import { AuditTransition, type AuditTransitionDoc, type StateChange } from './audit-transition';
import type { AuditTrail } from './history';
import { isDuplicateKeyError } from './duplicate-key';
import type { StatusGuard } from './transition';

/**
 * The writes of the audit trail (messages and confirms) on the delivery path, through the MongoDB driver
 * directly: every value in them is already a plain string, number or date, so mongoose's query building
 * and casting add nothing but CPU on each delivery. `updatedAt` is set as mongoose's timestamps would set
 * it; reads elsewhere (the console, the admin API) still go through the models.
 */
type Audited = AuditTrail & { _id: string; status: string };

/** What a transition read before changing the document. */
export interface TransitionedFrom {
  status: string;
  createdAt?: Date;
}

/**
 * Moves one audited document (found by `_id`) to a new state if its current status allows it, and
 * answers its status and creation time as they were (undefined when there is no such document).
 *
 * One guarded update, `{_id, status: <allowed>}`, answering the document as it was: atomic on MongoDB,
 * and on the local FerretDB an index lookup of the `_id` (stack/ferretdb-pushdown.patch) that FerretDB
 * then reads and writes in two steps, so two writers that start together may both pass the guard. A
 * change that adds to the trail therefore goes through `recordedTransition`, which keeps its entry
 * single on either backend. Only when nothing changed does a read tell whether the document is missing
 * or in a state the guard refuses.
 */
export async function auditedTransition<T extends Audited>(
  model: Model<T>,
  _id: string,
  allowed: StatusGuard,
  update: UpdateQuery<T>,
): Promise<TransitionedFrom | undefined> {
  // Without a projection: FerretDB 1.x refuses one in findAndModify, and the documents are small.
  const before = await model.collection.findOneAndUpdate(
    { _id: _id as never, status: allowed.filter },
    stamped(update),
    {
      returnDocument: 'before',
    },
  );
  if (before) return before as unknown as TransitionedFrom;
  const projection = { status: 1, createdAt: 1 };
  return (await model.collection.findOne<TransitionedFrom>({ _id: _id as never }, { projection })) ?? undefined;
}

/**
 * Moves one audited document to `change.status`, as `auditedTransition` does, and records the change in
 * its trail at most once, whoever else writes the same change at the same time and whatever the backend
 * makes atomic. The change's claim, a document whose unique `_id` is the change's key, is inserted first:
 * the inserter's entry is the change's entry, and a writer that finds the claim taken (the change was
 * claimed by a racing or a crashed writer) reads that entry back. Every writer then adds that one entry
 * with `$addToSet`, so the entry is in the trail once, and a claim whose writer crashed before the
 * update is still carried out by the next writer. (`$addToSet` compares entries whole; a legitimate
 * repeat of a state has a key of its own and comes at least a delivery later, so its time differs.)
 * One insert more per change; two commands more for a writer that finds the claim taken.
 */
export async function recordedTransition<T extends Audited>(
  model: Model<T>,
  _id: string,
  allowed: StatusGuard,
  change: StateChange,
  update: UpdateQuery<T> = {},
): Promise<TransitionedFrom | undefined> {
  const entry = await claimedEntry(change);
  return auditedTransition(model, _id, allowed, {
    ...update,
    $set: { ...update.$set, status: change.status },
    $addToSet: { history: entry },
  });
}

/** The trail entry of a change: this writer's if its claim is the first, else the first writer's. */
async function claimedEntry({ key, messageKey, status, detail }: StateChange) {
  const entry = { status, at: new Date(), ...(detail ? { detail } : {}) };
  try {
    await AuditTransition.collection.insertOne({ _id: key as never, messageKey, ...entry });
    return entry;
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
  }
  const claimed = await AuditTransition.collection.findOne<AuditTransitionDoc>({ _id: key as never });
  // Gone only with the whole message (retention): the guarded update then finds nothing either.
  if (!claimed) return entry;
  // The same fields in the same order as the first writer's: $addToSet compares entries whole.
  return { status: claimed.status, at: claimed.at, ...(claimed.detail ? { detail: claimed.detail } : {}) };
}

/** An update of one audited document by `_id`, its `updatedAt` set. */
export async function auditedUpdate<T extends Audited>(model: Model<T>, _id: string, update: UpdateQuery<T>) {
  await model.collection.updateOne({ _id: _id as never }, stamped(update));
}

/** The update with `updatedAt` set, as mongoose's timestamps would set it. */
function stamped<T>(update: UpdateQuery<T>) {
  return { ...update, $set: { ...update.$set, updatedAt: new Date() } };
}

/** New audited documents, stamped `createdAt` and `updatedAt` as mongoose's timestamps would. */
export async function auditedInsert<T extends Audited>(model: Model<T>, docs: Omit<T, 'createdAt' | 'updatedAt'>[]) {
  const now = new Date();
  const stamped = docs.map((d) => ({ ...d, createdAt: now, updatedAt: now }));
  if (stamped.length === 1) await model.collection.insertOne(stamped[0] as never);
  else await model.collection.insertMany(stamped as never[], { ordered: false });
}
