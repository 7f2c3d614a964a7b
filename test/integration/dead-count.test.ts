/**
 * The DEAD gauges' count (workers/dead-count.ts) on the local FerretDB: a DEAD message counts, with its
 * DEAD confirms per consumer group, unless every one of them is a mail refused as suppressed.
 */
import mongoose from 'mongoose';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../config';
import { Confirm, confirmId, ensureIndexes, Message } from '../../domain/models';
import { withDatabase } from '../../stack/apps';
import { countDead } from '../../workers/dead-count';

const config = loadConfig();

beforeAll(async () => {
  await mongoose.connect(withDatabase(config.mongodbUri, `rs_dead_${randomUUID().slice(0, 8)}`));
  await ensureIndexes();
});
afterAll(async () => {
  await mongoose.connection.dropDatabase();
  await mongoose.disconnect();
});

const SUPPRESSED_ERROR = 'SUPPRESSED: the address is on the suppression list (hard-bounce)';

/** A message in `status` with a confirm per consumer group in the state and with the error given. */
async function message(status: string, confirms: Record<string, { status: string; lastError?: string }>) {
  const messageKey = randomUUID();
  await Message.collection.insertOne({ _id: messageKey as never, messageKey, status, tag: 'ACTIVE_USER' });
  for (const [consumerGroup, confirm] of Object.entries(confirms))
    await Confirm.collection.insertOne({
      _id: confirmId(messageKey, consumerGroup) as never,
      messageKey,
      consumerGroup,
      ...confirm,
    });
  return messageKey;
}

test('DEAD messages count with their DEAD confirms per group; one refused only as suppressed does not', async () => {
  await message('DEAD', {
    CID_OPC: { status: 'DEAD', lastError: '550 5.1.1 mailbox unavailable' },
    CID_EVENTS: { status: 'CONSUMED' },
  });
  await message('DEAD', {
    CID_OPC: { status: 'DEAD', lastError: SUPPRESSED_ERROR },
    CID_EVENTS: { status: 'DEAD', lastError: 'connection refused' },
  });
  await message('DEAD', {
    CID_OPC: { status: 'DEAD', lastError: SUPPRESSED_ERROR },
    CID_EVENTS: { status: 'CONSUMED' },
  });
  await message('FINISHED', { CID_OPC: { status: 'CONSUMED' }, CID_EVENTS: { status: 'CONSUMED' } });

  const { messages, perGroup } = await countDead();
  expect(messages).toBe(2);
  expect(Object.fromEntries(perGroup)).toEqual({ CID_OPC: 1, CID_EVENTS: 1 });
});
