/**
 * confirmMessage (activities/messages.ts), on stand-ins for the model calls it makes: the first attempt
 * creates the confirms and moves the message WAIT_SEND → SENDING without a guard; a retry that finds its
 * confirms already created moves it only from WAIT_SEND, so SENDING is recorded once.
 */
import { createMessageActivities } from '../../activities/messages';
import { SEND_EMAIL_TOPIC } from '../../domain/messaging';
import { Confirm, Message, Subscription } from '../../domain/models';
import { matchesStatus, type GuardedFilter } from '../setup/status-filter';

const consumers = [
  { consumerGroup: 'CID_EVENTS', taskQueue: 'q-events' },
  { consumerGroup: 'CID_OPC', taskQueue: 'q-mail' },
];

let status: string;
let created: Set<string>;
const calls: string[] = [];

beforeEach(() => {
  status = 'WAIT_SEND';
  created = new Set();
  calls.length = 0;
  jest.spyOn(Subscription, 'find').mockImplementation((() => ({
    sort: () => ({ lean: async () => Promise.resolve(consumers) }),
  })) as never);
  jest.spyOn(Confirm.collection, 'insertMany').mockImplementation((async (docs: { _id: string }[]) => {
    calls.push('insert confirms');
    const duplicates = docs.filter((d) => created.has(d._id));
    docs.forEach((d) => created.add(d._id));
    if (duplicates.length) throw Object.assign(new Error('E11000'), { code: 11000 });
    return Promise.resolve(docs);
  }) as never);
  jest.spyOn(Message.collection, 'findOne').mockImplementation(async () => {
    calls.push('read message');
    return Promise.resolve({ status });
  });
  jest.spyOn(Message.collection, 'findOneAndUpdate').mockImplementation((async (
    filter: GuardedFilter,
    update: { $set: { status: string } },
  ) => {
    if (!matchesStatus(filter.status, status)) {
      calls.push('guarded update, no match');
      return Promise.resolve(null);
    }
    calls.push(`message ${update.$set.status} if ${status}`);
    const before = { status };
    status = update.$set.status;
    return Promise.resolve(before);
  }) as never);
  jest.spyOn(Message.collection, 'updateOne').mockImplementation((async (
    _filter: unknown,
    update: { $set: { status: string } },
  ) => {
    calls.push(`message ${update.$set.status}`);
    status = update.$set.status;
    return Promise.resolve({ matchedCount: 1 });
  }) as never);
});

afterEach(() => jest.restoreAllMocks());

const confirm = () => createMessageActivities().confirmMessage({ messageKey: 'm1', topic: SEND_EMAIL_TOPIC });

describe('confirmMessage', () => {
  it('first attempt: creates the confirms and moves the message to SENDING in one update, without reading it', async () => {
    await expect(confirm()).resolves.toEqual(consumers);
    expect(calls).toEqual(['insert confirms', 'message SENDING']);
  });

  it('a retry after the message went SENDING finds its confirms, and its update guarded by WAIT_SEND leaves the message alone', async () => {
    await confirm();
    calls.length = 0;
    await expect(confirm()).resolves.toEqual(consumers);
    expect(calls).toEqual(['insert confirms', 'guarded update, no match', 'read message']);
    expect(status).toBe('SENDING');
  });

  it('a retry after only the confirms were created moves the message to SENDING, guarded by WAIT_SEND', async () => {
    created = new Set(consumers.map((c) => `m1/${c.consumerGroup}`));
    await confirm();
    expect(calls).toEqual(['insert confirms', 'message SENDING if WAIT_SEND']);
    expect(status).toBe('SENDING');
  });
});
