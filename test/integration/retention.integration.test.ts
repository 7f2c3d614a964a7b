/** Retention runs as a Temporal Schedule: old audit records in a final state go, DEAD and recent ones stay. */
import { Client, Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../config';
import { AuditTransition, Confirm, MailEventRecord, Message, Suppression } from '../../domain/models';
import { dataConverter } from '../../infra/temporal';
import { retentionScheduleId } from '../../workers/retention-schedule';
import { startApp, type RunningApp } from '../setup/app';
import { eventually } from '../setup/http';

let app: RunningApp;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  app = await startApp({ RETENTION_DAYS: '7', RETENTION_BATCH_SIZE: '2' });
  await mongoose.connect(app.env.MONGODB_URI!);
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
  client = new Client({ connection, dataConverter: dataConverter(loadConfig(app.env)) });
});
afterAll(async () => {
  await connection?.close();
  await mongoose.disconnect();
  await app?.stop();
});

const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 60 * 60 * 1000);

async function insertMessage(status: string, updatedAt: Date): Promise<string> {
  const messageKey = randomUUID();
  const base = { topic: 'SEND_EMAIL_TOPIC', createdAt: updatedAt, updatedAt };
  await Message.collection.insertOne({
    ...base,
    messageKey,
    tag: 'ACTIVE_USER',
    producerGroup: 'PID_UAC',
    userId: randomUUID(),
    workflowId: 'registration-test',
    body: {},
    status,
    resendCount: 0,
    history: [],
  });
  await Confirm.collection.insertOne({
    messageKey,
    consumerGroup: 'CID_OPC',
    status: status === 'DEAD' ? 'DEAD' : 'CONSUMED',
    consumeCount: 1,
    createdAt: updatedAt,
    updatedAt,
  });
  await AuditTransition.collection.insertOne({
    _id: `message:${messageKey}:${status}` as never,
    messageKey,
    status,
    at: updatedAt,
  });
  return messageKey;
}

test('the schedule exists, runs daily, and a run deletes only FINISHED records older than the retention', async () => {
  const schedule = client.schedule.getHandle(retentionScheduleId(app.env.TEMPORAL_TASK_QUEUE!));
  const description = await schedule.describe();
  expect(description.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 3, end: 3, step: 1 }] });

  const oldFinished = await Promise.all([1, 2, 3, 4, 5].map(() => insertMessage('FINISHED', daysAgo(8))));
  const oldDead = await insertMessage('DEAD', daysAgo(30));
  const recentFinished = await insertMessage('FINISHED', daysAgo(6));

  await schedule.trigger();
  await eventually(
    async () => (await Message.countDocuments({ messageKey: { $in: oldFinished } })) === 0,
    'old FINISHED messages deleted',
  );
  expect(await Confirm.countDocuments({ messageKey: { $in: oldFinished } })).toBe(0);
  expect(await AuditTransition.countDocuments({ messageKey: { $in: oldFinished } })).toBe(0);
  for (const kept of [oldDead, recentFinished]) {
    expect(await Message.exists({ messageKey: kept })).toBeTruthy();
    expect(await Confirm.exists({ messageKey: kept })).toBeTruthy();
    expect(await AuditTransition.exists({ messageKey: kept })).toBeTruthy();
  }
});

async function insertMailEvent(createdAt: Date, messageKey?: string): Promise<string> {
  const eventId = randomUUID();
  await MailEventRecord.collection.insertOne({
    provider: 'generic',
    eventId,
    type: 'bounce',
    bounceType: 'hard',
    recipient: `${eventId}@example.test`,
    at: createdAt,
    createdAt,
    ...(messageKey ? { target: { messageKey, consumerGroup: 'CID_OPC' } } : {}),
  });
  return eventId;
}

test('a run deletes old CANCELLED, BOUNCED and COMPLAINED messages too, with their provider events; suppressions stay', async () => {
  const schedule = client.schedule.getHandle(retentionScheduleId(app.env.TEMPORAL_TASK_QUEUE!));
  const oldFinal = await Promise.all(
    ['CANCELLED', 'BOUNCED', 'COMPLAINED'].map((status) => insertMessage(status, daysAgo(8))),
  );
  const bounceOfOld = await insertMailEvent(daysAgo(8), oldFinal[1]);
  const oldUnmatched = await insertMailEvent(daysAgo(8));
  const recentUnmatched = await insertMailEvent(daysAgo(1));
  const recentBounced = await insertMessage('BOUNCED', daysAgo(1));
  const bounceOfRecent = await insertMailEvent(daysAgo(1), recentBounced);
  const suppressed = `${randomUUID()}@example.test`;
  await Suppression.create({
    _id: suppressed,
    email: suppressed,
    reason: 'hard-bounce',
    event: { provider: 'generic', eventId: bounceOfOld, messageKey: oldFinal[1] },
    at: daysAgo(8),
  });

  await schedule.trigger();
  await eventually(
    async () => (await Message.countDocuments({ messageKey: { $in: oldFinal } })) === 0,
    'old CANCELLED, BOUNCED and COMPLAINED messages deleted',
  );
  expect(await Confirm.countDocuments({ messageKey: { $in: oldFinal } })).toBe(0);
  expect(await AuditTransition.countDocuments({ messageKey: { $in: oldFinal } })).toBe(0);
  await eventually(
    async () => (await MailEventRecord.countDocuments({ eventId: { $in: [bounceOfOld, oldUnmatched] } })) === 0,
    'the old provider events deleted',
  );
  expect(await MailEventRecord.exists({ eventId: recentUnmatched })).toBeTruthy();
  expect(await MailEventRecord.exists({ eventId: bounceOfRecent })).toBeTruthy();
  expect(await Message.exists({ messageKey: recentBounced })).toBeTruthy();
  expect(await Suppression.exists({ _id: suppressed })).toBeTruthy();
});
