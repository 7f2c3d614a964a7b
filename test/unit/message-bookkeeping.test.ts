/**
 * confirmMessage (activities/messages.ts), on stand-ins for the model calls it makes: every attempt
 * creates the confirms if they are not there yet, claims the message's first SENDING and moves the
 * message WAIT_SEND → SENDING in one guarded update, so SENDING is recorded once however many attempts
 * run, one after another or at once.
 */
import { createMessageActivities } from '../../activities/messages';
import { SEND_EMAIL_TOPIC } from '../../domain/messaging';
import { Confirm, Message, Subscription } from '../../domain/models';
import { applyHistory, stubAuditTransitions, type HistoryUpdate } from '../setup/audit-stand-ins';
import { matchesStatus, type GuardedFilter } from '../setup/status-filter';

const consumers = [
  { consumerGroup: 'CID_EVENTS', taskQueue: 'q-events' },
  { consumerGroup: 'CID_OPC', taskQueue: 'q-mail' },
];

let status: string;
let history: unknown[];
let created: Set<string>;
let claims: Map<string, unknown>;
const calls: string[] = [];

beforeEach(() => {
  status = 'WAIT_SEND';
  history = [];
  created = new Set();
  calls.length = 0;
  claims = stubAuditTransitions();
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
    update: { $set: { status: string } } & HistoryUpdate<unknown>,
  ) => {
    if (!matchesStatus(filter.status, status)) {
      calls.push('guarded update, no match');
      return Promise.resolve(null);
    }
    calls.push(`message ${update.$set.status} if ${status}`);
    const before = { status };
    status = update.$set.status;
    applyHistory(history, update);
    return Promise.resolve(before);
  }) as never);
});

afterEach(() => jest.restoreAllMocks());

const confirm = () => createMessageActivities().confirmMessage({ messageKey: 'm1', topic: SEND_EMAIL_TOPIC });

const SENDING_CLAIM = 'message:m1:SENDING:0';

describe('confirmMessage', () => {
  it('first attempt: creates the confirms, claims SENDING and moves the message to it in one guarded update', async () => {
    await expect(confirm()).resolves.toEqual(consumers);
    expect(calls).toEqual(['insert confirms', 'message SENDING if WAIT_SEND']);
    expect([...claims.keys()]).toEqual([SENDING_CLAIM]);
    expect(history).toEqual([{ status: 'SENDING', at: expect.any(Date) }]);
  });

  it('a retry after the message went SENDING finds its confirms and its claim, and leaves the message alone', async () => {
    await confirm();
    calls.length = 0;
    await expect(confirm()).resolves.toEqual(consumers);
    expect(calls).toEqual(['insert confirms', 'guarded update, no match', 'read message']);
    expect(status).toBe('SENDING');
    expect(history).toHaveLength(1);
  });

  it('a retry after only the confirms were created moves the message to SENDING, guarded by WAIT_SEND', async () => {
    created = new Set(consumers.map((c) => `m1/${c.consumerGroup}`));
    await confirm();
    expect(calls).toEqual(['insert confirms', 'message SENDING if WAIT_SEND']);
    expect(status).toBe('SENDING');
  });

  it("a retry after an attempt claimed SENDING and stopped moves the message with that attempt's entry", async () => {
    const at = new Date('2026-01-01T00:00:00Z');
    claims.set(SENDING_CLAIM, { _id: SENDING_CLAIM, messageKey: 'm1', status: 'SENDING', at });
    await confirm();
    expect(status).toBe('SENDING');
    expect(history).toEqual([{ status: 'SENDING', at }]);
  });

  it('two attempts at once record SENDING once', async () => {
    await Promise.all([confirm(), confirm()]);
    expect(status).toBe('SENDING');
    expect(history).toHaveLength(1);
  });
});
