/**
 * The last consumer to consume a message finishes it (activities/consumers/message-finisher.ts), with
 * an in-memory stand-in for Redis, for the message's read and update by `_id` and for the claims of
 * its state changes: only when every
 * consumer group's CONSUMED mark is there, only one of two deliveries that see that at once, again by
 * the same delivery's retry, and never a message that is not SENDING.
 */
import { finishIfLastConsumer } from '../../activities/consumers/message-finisher';
import { CONSUMED_MARK, CONSUMED_MARK_TTL_SECONDS, finisherKey, idempotencyKey } from '../../domain/delivery';
import { Message } from '../../domain/models';
import { EVENTS_CONSUMER as EVENTS, MAIL_CONSUMER as MAIL } from '../../domain/subscriptions';
import { MemoryRedis } from '../setup/memory-redis';
import { applyHistory, stubAuditTransitions, type HistoryUpdate } from '../setup/audit-stand-ins';
import { matchesStatus, type GuardedFilter } from '../setup/status-filter';

const messageKey = 'msg-1';
const consumerGroups = [MAIL, EVENTS];

interface MessageRow {
  status: string;
  history: { status: string; at?: Date }[];
}
let stored: MessageRow | undefined;

beforeEach(() => {
  stubAuditTransitions();
  stored = { status: 'SENDING', history: [{ status: 'WAIT_SEND' }, { status: 'SENDING' }] };
  jest
    .spyOn(Message.collection, 'findOne')
    .mockImplementation(() => Promise.resolve(stored && { status: stored.status }));
  jest.spyOn(Message.collection, 'findOneAndUpdate').mockImplementation(((
    filter: GuardedFilter,
    update: { $set: { status: string } } & HistoryUpdate<MessageRow['history'][number]>,
  ) => {
    if (!stored || !matchesStatus(filter.status, stored.status)) return Promise.resolve(null);
    const before = { status: stored.status };
    stored.status = update.$set.status;
    applyHistory(stored.history, update);
    return Promise.resolve(before);
  }) as never);
});

afterEach(() => {
  jest.restoreAllMocks();
});

function consumedBy(redis: MemoryRedis, ...groups: string[]) {
  for (const group of groups) void redis.set(idempotencyKey(group, messageKey), CONSUMED_MARK);
}

const finishedEntries = () => stored!.history.filter((h) => h.status === 'FINISHED').length;

test('a consumer whose fellow group has not consumed the message yet leaves it SENDING and claims nothing', async () => {
  const redis = new MemoryRedis();
  consumedBy(redis, MAIL);
  await expect(
    finishIfLastConsumer(redis.asRedis(), { messageKey, consumerGroup: MAIL, consumerGroups }),
  ).resolves.toBe(false);
  expect(stored!.status).toBe('SENDING');
  expect(redis.peek(finisherKey(messageKey))).toBeUndefined();
});

test('the last consumer moves the message to FINISHED once, and keeps its claim as long as the consumed marks', async () => {
  const redis = new MemoryRedis();
  consumedBy(redis, MAIL, EVENTS);
  await expect(
    finishIfLastConsumer(redis.asRedis(), { messageKey, consumerGroup: EVENTS, consumerGroups }),
  ).resolves.toBe(true);
  expect(stored!.history.map((h) => h.status)).toEqual(['WAIT_SEND', 'SENDING', 'FINISHED']);
  expect(redis.peek(finisherKey(messageKey))).toBe(EVENTS);
  expect(redis.ttlMs(finisherKey(messageKey))).toBe(CONSUMED_MARK_TTL_SECONDS * 1000);
});

test('two deliveries that both see every mark at once: exactly one of them finishes the message', async () => {
  const redis = new MemoryRedis();
  consumedBy(redis, MAIL, EVENTS);
  const results = await Promise.all(
    consumerGroups.map((consumerGroup) =>
      finishIfLastConsumer(redis.asRedis(), { messageKey, consumerGroup, consumerGroups }),
    ),
  );
  expect(results.filter(Boolean)).toHaveLength(1);
  expect(finishedEntries()).toBe(1);
});

test("the finisher's retry answers true again without a second FINISHED; the other group's answers false", async () => {
  const redis = new MemoryRedis();
  consumedBy(redis, MAIL, EVENTS);
  const finish = (consumerGroup: string) =>
    finishIfLastConsumer(redis.asRedis(), { messageKey, consumerGroup, consumerGroups });
  await expect(finish(MAIL)).resolves.toBe(true);
  await expect(finish(MAIL)).resolves.toBe(true);
  await expect(finish(EVENTS)).resolves.toBe(false);
  expect(finishedEntries()).toBe(1);
});

test('a message that is not SENDING (made DEAD meanwhile) is left as it is, for the workflow', async () => {
  const redis = new MemoryRedis();
  consumedBy(redis, MAIL, EVENTS);
  stored!.status = 'DEAD';
  await expect(
    finishIfLastConsumer(redis.asRedis(), { messageKey, consumerGroup: MAIL, consumerGroups }),
  ).resolves.toBe(false);
  expect(stored!.status).toBe('DEAD');
  expect(finishedEntries()).toBe(0);
});

test('a delivery from a workflow that finishes its messages itself (no consumer groups given) asks Redis nothing', async () => {
  const redis = new MemoryRedis();
  consumedBy(redis, MAIL, EVENTS);
  const before = redis.commands.length;
  await expect(finishIfLastConsumer(redis.asRedis(), { messageKey, consumerGroup: MAIL })).resolves.toBe(false);
  expect(redis.commands.length).toBe(before);
  expect(stored!.status).toBe('SENDING');
});
