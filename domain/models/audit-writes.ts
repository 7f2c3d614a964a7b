import type { Model, UpdateQuery } from 'mongoose';
import type { AuditTrail } from './history';
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
 * then reads and writes in two steps. That is safe here because each document's transitions are made
 * one step at a time: by its workflow, or (a message's FINISHED) by the one delivery that holds the
 * finish claim while the workflow waits for it. Only when nothing changed does a read tell whether the
 * document is missing or in a state the guard refuses.
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
