/**
 * The audit trail's writes through the driver (domain/models/audit-writes.ts), on a stand-in for the
 * collection: a transition moves a message or confirm only from a state its guard allows, in one update
 * guarded in its filter, and answers the status and creation time it had; every update stamps `updatedAt` as mongoose's timestamps did;
 * inserts are stamped with `createdAt` and `updatedAt`.
 */
import type { Model } from 'mongoose';
import { messageChange } from '../../domain/models/audit-transition';
import { auditedInsert, auditedTransition, auditedUpdate, recordedTransition } from '../../domain/models/audit-writes';
import { AuditTransition } from '../../domain/models';
import type { ConfirmDoc } from '../../domain/models/confirm';
import { historyPush } from '../../domain/models/history';
import { is, isNot } from '../../domain/models/transition';
import { applyHistory, stubAuditTransitions, type HistoryUpdate } from '../setup/audit-stand-ins';
import { matchesStatus, type GuardedFilter } from '../setup/status-filter';

type Row = Record<string, unknown> & { _id: string };

function collectionOf(...rows: Row[]) {
  const table = new Map(rows.map((r) => [r._id, { ...r }]));
  const updates: { filter: unknown; update: Record<string, Record<string, unknown>> }[] = [];
  const inserted: Row[] = [];
  const collection = {
    findOne: async ({ _id }: { _id: string }) => Promise.resolve(table.has(_id) ? { ...table.get(_id)! } : null),
    updateOne: async (filter: { _id: string }, update: Record<string, Record<string, unknown>>) => {
      updates.push({ filter, update });
      Object.assign(table.get(filter._id) ?? {}, update.$set);
      return Promise.resolve({ matchedCount: table.has(filter._id) ? 1 : 0 });
    },
    findOneAndUpdate: async (filter: GuardedFilter, update: Record<string, Record<string, unknown>>) => {
      const row = table.get(filter._id);
      if (!row || !matchesStatus(filter.status, row.status as string)) return Promise.resolve(null);
      updates.push({ filter, update });
      const before = { ...row };
      Object.assign(row, update.$set);
      if (Array.isArray(row.history)) applyHistory(row.history, update as HistoryUpdate<unknown>);
      return Promise.resolve(before);
    },
    insertOne: async (doc: Row) => Promise.resolve(inserted.push(doc)),
    insertMany: async (docs: Row[]) => Promise.resolve(inserted.push(...docs)),
  };
  return { model: { collection } as unknown as Model<ConfirmDoc>, table, updates, inserted };
}

const created = new Date('2026-01-01T00:00:00Z');

describe('auditedTransition', () => {
  it('moves a document from an allowed state, stamps updatedAt, and answers its status and creation time', async () => {
    const { model, table, updates } = collectionOf({ _id: 'c1', status: 'UNCONFIRMED', createdAt: created });
    const update = { $set: { status: 'CONFIRMED' }, $inc: { consumeCount: 1 }, $push: historyPush('CONFIRMED') };
    await expect(auditedTransition(model, 'c1', isNot('CONSUMED'), update)).resolves.toEqual({
      _id: 'c1',
      status: 'UNCONFIRMED',
      createdAt: created,
    });
    expect(table.get('c1')!.status).toBe('CONFIRMED');
    expect(updates).toHaveLength(1);
    // One update, guarded in its filter: atomic on MongoDB, no read first.
    expect(updates[0].filter).toEqual({ _id: 'c1', status: { $nin: ['CONSUMED'] } });
    expect(updates[0].update.$inc).toEqual({ consumeCount: 1 });
    expect(updates[0].update.$push).toEqual(update.$push);
    expect(updates[0].update.$set.updatedAt).toBeInstanceOf(Date);
  });

  it('leaves a document in a state its guard refuses', async () => {
    const { model, updates } = collectionOf({ _id: 'c1', status: 'CONSUMED', createdAt: created });
    await expect(auditedTransition(model, 'c1', isNot('CONSUMED'), { $set: { status: 'CONFIRMED' } })).resolves.toEqual(
      expect.objectContaining({ status: 'CONSUMED' }),
    );
    expect(updates).toEqual([]);
  });

  it('answers undefined and writes nothing when there is no such document', async () => {
    const { model, updates } = collectionOf();
    await expect(
      auditedTransition(model, 'm1', is('SENDING'), { $set: { status: 'FINISHED' } }),
    ).resolves.toBeUndefined();
    expect(updates).toEqual([]);
  });
});

describe('recordedTransition', () => {
  let claims: Map<string, unknown>;
  beforeEach(() => {
    claims = stubAuditTransitions();
  });
  afterEach(() => jest.restoreAllMocks());

  const sending = () => ({ _id: 'm1', status: 'DEAD', createdAt: created, history: [], resendCount: 0 });
  const resend = (n: number) => messageChange('m1', 'SENDING', { detail: 'resent', repeat: [n] });

  it('claims the change, then moves the document and adds the claimed entry in one guarded update', async () => {
    const { model, table, updates } = collectionOf(sending());
    await expect(recordedTransition(model, 'm1', is('DEAD'), resend(1), { $inc: { resendCount: 1 } })).resolves.toEqual(
      expect.objectContaining({ status: 'DEAD' }),
    );
    expect(claims.get('message:m1:SENDING:1')).toEqual({
      _id: 'message:m1:SENDING:1',
      messageKey: 'm1',
      status: 'SENDING',
      at: expect.any(Date),
      detail: 'resent',
    });
    expect(updates).toHaveLength(1);
    expect(updates[0].filter).toEqual({ _id: 'm1', status: { $in: ['DEAD'] } });
    expect(updates[0].update.$set.status).toBe('SENDING');
    expect(updates[0].update.$inc).toEqual({ resendCount: 1 });
    expect(table.get('m1')!.history).toEqual([{ status: 'SENDING', at: expect.any(Date), detail: 'resent' }]);
  });

  it("a second writer of the same change adds the first writer's entry, which is there already: one entry", async () => {
    const { model, table } = collectionOf(sending());
    const first = await recordedTransition(model, 'm1', is('DEAD', 'SENDING'), resend(1));
    const second = await recordedTransition(model, 'm1', is('DEAD', 'SENDING'), resend(1));
    expect([first?.status, second?.status]).toEqual(['DEAD', 'SENDING']);
    expect(table.get('m1')!.history).toHaveLength(1);
  });

  it('a change claimed by a writer that stopped before its update is made by the next, with the claimed entry', async () => {
    const { model, table } = collectionOf(sending());
    const at = new Date('2026-02-01T00:00:00Z');
    const key = 'message:m1:SENDING:1';
    claims.set(key, { _id: key, messageKey: 'm1', status: 'SENDING', at, detail: 'resent' });
    await recordedTransition(model, 'm1', is('DEAD'), resend(1));
    expect(table.get('m1')).toMatchObject({
      status: 'SENDING',
      history: [{ status: 'SENDING', at, detail: 'resent' }],
    });
  });

  it('a legitimate repeat of a state, with its own key, is recorded again', async () => {
    const { model, table } = collectionOf(sending());
    // A repeat comes at least one delivery later than the state it repeats: its entry's time differs.
    jest.useFakeTimers({ now: new Date('2026-03-01T00:00:00Z'), doNotFake: ['nextTick', 'setImmediate'] });
    try {
      await recordedTransition(model, 'm1', is('DEAD', 'SENDING'), resend(1));
      jest.setSystemTime(new Date('2026-03-01T00:05:00Z'));
      await recordedTransition(model, 'm1', is('DEAD', 'SENDING'), resend(2));
    } finally {
      jest.useRealTimers();
    }
    expect(table.get('m1')!.history).toHaveLength(2);
    expect([...claims.keys()]).toEqual(['message:m1:SENDING:1', 'message:m1:SENDING:2']);
  });

  it('a claim that cannot be written (the database down) fails the change, which writes nothing', async () => {
    const { model, updates } = collectionOf(sending());
    jest.spyOn(AuditTransition.collection, 'insertOne').mockRejectedValueOnce(new Error('connection refused'));
    await expect(recordedTransition(model, 'm1', is('DEAD'), resend(1))).rejects.toThrow('connection refused');
    expect(updates).toEqual([]);
  });
});

describe('auditedUpdate and auditedInsert', () => {
  it('an update keeps its own $set fields beside updatedAt', async () => {
    const { model, updates } = collectionOf({ _id: 'c1', status: 'CONFIRMED' });
    await auditedUpdate(model, 'c1', { $set: { lastError: 'boom' } });
    expect(Object.keys(updates[0].update.$set).sort()).toEqual(['lastError', 'updatedAt']);
  });

  it('inserts are stamped with one createdAt and updatedAt', async () => {
    const { model, inserted } = collectionOf();
    const confirm = (group: string) => ({
      _id: `m1/${group}`,
      messageKey: 'm1',
      consumerGroup: group,
      status: 'UNCONFIRMED' as const,
      consumeCount: 0,
      history: [{ status: 'UNCONFIRMED', at: created }],
    });
    await auditedInsert(model, [confirm('CID_OPC'), confirm('CID_EVENTS')]);
    expect(inserted).toHaveLength(2);
    for (const doc of inserted) {
      expect(doc.createdAt).toBeInstanceOf(Date);
      expect(doc.updatedAt).toBe(doc.createdAt);
    }
  });
});
