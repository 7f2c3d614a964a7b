/**
 * The audit trail records each state change once on the local FerretDB, whose findAndModify reads and
 * then writes in two steps: two writers of the same change, started together, leave one entry in the
 * trail, 50 times over (docs/audit-trail.md).
 */
import { noopMetricMeter } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import Redis from 'ioredis';
import mongoose from 'mongoose';
import { randomUUID } from 'node:crypto';
import { createDeliverActivity } from '../../activities/consumers/delivery';
import { finishIfLastConsumer } from '../../activities/consumers/message-finisher';
import { createMessageActivities } from '../../activities/messages';
import { loadConfig } from '../../config';
import { CONSUMED_MARK, idempotencyKey } from '../../domain/delivery';
import { ACTIVE_USER, PRODUCER_GROUP, SEND_EMAIL_TOPIC, type OutgoingMessage } from '../../domain/messaging';
import { AuditTransition, Confirm, confirmId, ensureIndexes, Message, Subscription } from '../../domain/models';
import { EVENTS_CONSUMER as EVENTS, MAIL_CONSUMER as MAIL } from '../../domain/subscriptions';
import { createDeliveryMetrics } from '../../infra/delivery-metrics';
import { withDatabase } from '../../stack/apps';

const RACES = 50;
const consumerGroups = [MAIL, EVENTS];
const config = loadConfig();
const activities = createMessageActivities();
let redis: Redis;

beforeAll(async () => {
  await mongoose.connect(withDatabase(config.mongodbUri, `rs_races_${randomUUID().slice(0, 8)}`));
  await ensureIndexes();
  await Subscription.insertMany(
    consumerGroups.map((consumerGroup) => ({ topic: SEND_EMAIL_TOPIC, consumerGroup, taskQueue: 'q' })),
  );
  redis = new Redis(config.redis.url);
});
afterAll(async () => {
  redis?.disconnect();
  await mongoose.connection.dropDatabase();
  await mongoose.disconnect();
});

function outgoing(): OutgoingMessage {
  const messageKey = randomUUID();
  const userId = randomUUID();
  return {
    messageKey,
    topic: SEND_EMAIL_TOPIC,
    tag: ACTIVE_USER,
    userId,
    workflowId: `registration-${userId}`,
    body: { userId, loginName: 'race', email: 'race@example.test' },
  };
}

/** A message in `status`, with `history` as its trail, and one confirm per consumer group in `confirmStatus`. */
async function seed(status: string, history: string[], confirmStatus: string, confirmHistory: string[]) {
  const message = outgoing();
  const { messageKey } = message;
  const now = new Date();
  const trail = (states: string[]) => states.map((s) => ({ status: s, at: now }));
  await Message.collection.insertOne({
    _id: messageKey as never,
    messageKey,
    topic: message.topic,
    tag: message.tag,
    producerGroup: PRODUCER_GROUP,
    userId: message.userId,
    workflowId: message.workflowId,
    body: message.body,
    status,
    resendCount: 0,
    history: trail(history),
    createdAt: now,
    updatedAt: now,
  });
  await Confirm.collection.insertMany(
    consumerGroups.map((consumerGroup) => ({
      _id: confirmId(messageKey, consumerGroup) as never,
      messageKey,
      consumerGroup,
      status: confirmStatus,
      consumeCount: 0,
      history: trail(confirmHistory),
      createdAt: now,
      updatedAt: now,
    })),
  );
  return message;
}

const trailOf = async (messageKey: string) =>
  ((await Message.findById(messageKey).lean())?.history ?? []).map((h) => h.status);
const confirmTrailOf = async (messageKey: string, consumerGroup: string) =>
  ((await Confirm.findById(confirmId(messageKey, consumerGroup)).lean())?.history ?? []).map((h) => h.status);
const count = (trail: string[], status: string) => trail.filter((s) => s === status).length;

/** Runs `race` RACES times: how many of the runs left a trail other than expected, and the first few such trails. */
async function raced(race: () => Promise<{ ok: boolean; trail: string[] }>) {
  const wrong: string[][] = [];
  for (let i = 0; i < RACES; i++) {
    const { ok, trail } = await race();
    if (!ok) wrong.push(trail);
  }
  return { wrongRuns: wrong.length, firstWrong: wrong.slice(0, 3) };
}
const allRight = { wrongRuns: 0, firstWrong: [] };

test('the last consumer finishing a message and the workflow finishing it at the same time record FINISHED once', async () => {
  const wrong = await raced(async () => {
    const { messageKey } = await seed('SENDING', ['WAIT_SEND', 'SENDING'], 'CONSUMED', ['UNCONFIRMED', 'CONSUMED']);
    await redis.mset(...consumerGroups.flatMap((group) => [idempotencyKey(group, messageKey), CONSUMED_MARK]));
    await Promise.all([
      finishIfLastConsumer(redis, { messageKey, consumerGroup: EVENTS, consumerGroups }),
      activities.finishMessage({ messageKey }),
    ]);
    const trail = await trailOf(messageKey);
    const status = (await Message.findById(messageKey).lean())?.status;
    return { ok: count(trail, 'FINISHED') === 1 && status === 'FINISHED', trail };
  });
  expect(wrong).toEqual(allRight);
});

test('two attempts confirming a message at the same time record SENDING once', async () => {
  const wrong = await raced(async () => {
    const message = outgoing();
    await activities.recordPendingMessage(message);
    const confirm = () => activities.confirmMessage({ messageKey: message.messageKey, topic: message.topic });
    await Promise.all([confirm(), confirm()]);
    const trail = await trailOf(message.messageKey);
    return { ok: count(trail, 'SENDING') === 1, trail };
  });
  expect(wrong).toEqual(allRight);
});

test('two attempts marking a consumer dead at the same time record DEAD once on the message and on the confirm', async () => {
  const wrong = await raced(async () => {
    const { messageKey } = await seed('SENDING', ['WAIT_SEND', 'SENDING'], 'CONFIRMED', ['UNCONFIRMED', 'CONFIRMED']);
    const dead = () => activities.markDead({ messageKey, consumerGroup: MAIL, error: 'refused', round: 0 });
    await Promise.all([dead(), dead()]);
    const trail = await trailOf(messageKey);
    const confirmTrail = await confirmTrailOf(messageKey, MAIL);
    return {
      ok: count(trail, 'DEAD') === 1 && count(confirmTrail, 'DEAD') === 1,
      trail: [...trail, '|', ...confirmTrail],
    };
  });
  expect(wrong).toEqual(allRight);
});

test('two deliveries recording a consumed mark at the same time record CONSUMED once', async () => {
  const metrics = createDeliveryMetrics(noopMetricMeter, MAIL);
  const deliver = createDeliverActivity(MAIL, () => Promise.resolve(), redis, metrics);
  const wrong = await raced(async () => {
    const message = await seed('SENDING', ['WAIT_SEND', 'SENDING'], 'CONFIRMED', ['UNCONFIRMED', 'CONFIRMED']);
    // The handler ran and its mark is in Redis; the attempt's write of the confirm has not landed yet.
    await redis.set(idempotencyKey(MAIL, message.messageKey), CONSUMED_MARK);
    const attempt = (n: number) => new MockActivityEnvironment({ attempt: n }).run(deliver, { message });
    await Promise.all([attempt(2), attempt(3)]);
    const trail = await confirmTrailOf(message.messageKey, MAIL);
    return { ok: count(trail, 'CONSUMED') === 1, trail };
  });
  expect(wrong).toEqual(allRight);
});

test('two attempts of one resend at the same time record SENDING once; the next resend records it again', async () => {
  const wrong = await raced(async () => {
    const { messageKey } = await seed('DEAD', ['WAIT_SEND', 'SENDING', 'DEAD'], 'DEAD', ['UNCONFIRMED', 'DEAD']);
    const resent = (resend: number) => activities.markResent({ messageKey, consumerGroup: MAIL, resend });
    await Promise.all([resent(1), resent(1)]);
    await activities.markDead({ messageKey, consumerGroup: MAIL, error: 'refused again', round: 1 });
    await Promise.all([resent(2), resent(2)]);
    const trail = await trailOf(messageKey);
    const confirmTrail = await confirmTrailOf(messageKey, MAIL);
    const resendCount = (await Message.findById(messageKey).lean())?.resendCount;
    const ok = count(trail, 'SENDING') === 3 && count(confirmTrail, 'UNCONFIRMED') === 3 && resendCount === 2;
    return { ok, trail: [...trail, '|', ...confirmTrail, `resendCount=${resendCount}`] };
  });
  expect(wrong).toEqual(allRight);
});

test('a FINISHED claimed by a finisher that stopped before writing it is written by the workflow, with the claimed time', async () => {
  const { messageKey } = await seed('SENDING', ['WAIT_SEND', 'SENDING'], 'CONSUMED', ['UNCONFIRMED', 'CONSUMED']);
  const at = new Date('2026-01-01T00:00:00Z');
  await AuditTransition.create({ _id: `message:${messageKey}:FINISHED`, messageKey, status: 'FINISHED', at });
  await activities.finishMessage({ messageKey });
  const message = await Message.findById(messageKey).lean();
  expect(message?.status).toBe('FINISHED');
  expect(message?.history.filter((h) => h.status === 'FINISHED')).toEqual([{ status: 'FINISHED', at }]);
});
