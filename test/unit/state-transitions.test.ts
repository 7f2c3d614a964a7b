/**
 * `transition` (domain/models/transition.ts), the guarded state change of users (messages and confirms
 * change through the driver, audit-writes.test.ts): the document moves only from a state its guard
 * allows, by `_id`, and the caller learns the state it found (undefined when there is no such document).
 * Run on a stand-in for the two model calls it makes; `is`/`isNot` are the guards the activities pass,
 * `historyPush` the trail entry each change appends.
 */
import type { Model } from 'mongoose';
import { historyPush } from '../../domain/models/history';
import { is, isNot, transition } from '../../domain/models/transition';

type Doc = { _id: string; status: string; note?: string };

/** A model with only `findById(...).lean()` and `updateOne({_id}, {$set})`, over an in-memory table. */
function modelOf(...docs: Doc[]) {
  const table = new Map(docs.map((d) => [d._id, { ...d }]));
  const updates: { filter: unknown; update: unknown }[] = [];
  const model = {
    findById: (_id: string) => ({
      lean: async () => {
        const doc = table.get(_id);
        return Promise.resolve(doc ? { ...doc } : null);
      },
    }),
    updateOne: async (filter: { _id: string }, update: { $set: Partial<Doc> }) => {
      updates.push({ filter, update });
      const doc = table.get(filter._id);
      if (doc) Object.assign(doc, update.$set);
      return Promise.resolve({ matchedCount: doc ? 1 : 0 });
    },
  };
  return { model: model as unknown as Model<Doc>, table, updates };
}

describe('transition', () => {
  it('moves a document from an allowed state and answers the state it had', async () => {
    const { model, table, updates } = modelOf({ _id: 'm1', status: 'SENDING' });
    await expect(transition(model, 'm1', is('SENDING'), { $set: { status: 'FINISHED' } })).resolves.toBe('SENDING');
    expect(table.get('m1')!.status).toBe('FINISHED');
    expect(updates).toEqual([{ filter: { _id: 'm1' }, update: { $set: { status: 'FINISHED' } } }]);
  });

  it('leaves a document in a state its guard refuses, and answers that state', async () => {
    const { model, table, updates } = modelOf({ _id: 'c1', status: 'CONSUMED' });
    await expect(transition(model, 'c1', isNot('CONSUMED'), { $set: { status: 'DEAD' } })).resolves.toBe('CONSUMED');
    expect(table.get('c1')!.status).toBe('CONSUMED');
    expect(updates).toEqual([]);
  });

  it('answers undefined and writes nothing when there is no such document', async () => {
    const { model, updates } = modelOf();
    await expect(
      transition(model, 'missing', isNot('CONSUMED'), { $set: { status: 'DEAD' } }),
    ).resolves.toBeUndefined();
    expect(updates).toEqual([]);
  });

  it('repeated, moves the document once: the second call finds the new state', async () => {
    const { model, updates } = modelOf({ _id: 'm1', status: 'WAIT_SEND' });
    const toSending = () => transition(model, 'm1', is('WAIT_SEND'), { $set: { status: 'SENDING' } });
    await expect(toSending()).resolves.toBe('WAIT_SEND');
    await expect(toSending()).resolves.toBe('SENDING');
    expect(updates).toHaveLength(1);
  });
});

describe('guards', () => {
  it('is(...) allows exactly the states it names', () => {
    const deadOrSending = is('SENDING', 'DEAD');
    expect(['WAIT_SEND', 'SENDING', 'FINISHED', 'CANCELLED', 'DEAD'].filter(deadOrSending.allows)).toEqual([
      'SENDING',
      'DEAD',
    ]);
  });

  it('isNot(...) allows every state but those it names', () => {
    const notConsumed = isNot('CONSUMED');
    expect(['UNCONFIRMED', 'CONFIRMED', 'CONSUMED', 'DEAD'].filter(notConsumed.allows)).toEqual([
      'UNCONFIRMED',
      'CONFIRMED',
      'DEAD',
    ]);
  });

  it('compare states exactly', () => {
    expect(is('DEAD').allows('dead')).toBe(false);
    expect(isNot('CONSUMED').allows('consumed')).toBe(true);
  });

  it('put into a filter, name the same states', () => {
    expect(is('SENDING', 'DEAD').filter).toEqual({ $in: ['SENDING', 'DEAD'] });
    expect(isNot('CONSUMED').filter).toEqual({ $nin: ['CONSUMED'] });
  });
});

describe('historyPush', () => {
  it('appends the new state with the time of the change, and a detail when there is one', () => {
    const before = Date.now();
    const { history } = historyPush('CONFIRMED', 'attempt 2');
    expect(history).toEqual({ status: 'CONFIRMED', at: expect.any(Date), detail: 'attempt 2' });
    expect(history.at.getTime()).toBeGreaterThanOrEqual(before);
    expect(history.at.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('has no detail field when there is none', () => {
    expect(Object.keys(historyPush('CONSUMED').history).sort()).toEqual(['at', 'status']);
  });
});
