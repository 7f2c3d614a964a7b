/**
 * The sink of verified mail events (api/services/mail-event-sink.ts) on the local FerretDB: an event is
 * recorded once, matched to its delivery by the Message-ID the delivery set or by the provider's id kept
 * from the SMTP reply, and handed to `applyToFlow` once; an event whose application failed is applied again
 * when the provider posts it again.
 */
import mongoose from 'mongoose';
import { randomUUID } from 'node:crypto';
import { mailMessageId, recordSmtpReply } from '../../activities/consumers/mail';
import { createMailEventSink } from '../../api/services/mail-event-sink';
import { loadConfig } from '../../config';
import type { MailEvent, MailEventTarget } from '../../domain/mail-events';
import { Confirm, confirmId, ensureIndexes, MailEventRecord } from '../../domain/models';
import { MAIL_CONSUMER } from '../../domain/subscriptions';
import { withDatabase } from '../../stack/apps';

const config = loadConfig();

beforeAll(async () => {
  await mongoose.connect(withDatabase(config.mongodbUri, `rs_sink_${randomUUID().slice(0, 8)}`));
  await ensureIndexes();
});
afterAll(async () => {
  await mongoose.connection.dropDatabase();
  await mongoose.disconnect();
});

/** A delivery of the mail consumer, as the flow creates it. */
async function delivery(): Promise<MailEventTarget> {
  const messageKey = randomUUID();
  await Confirm.create({
    _id: confirmId(messageKey, MAIL_CONSUMER),
    messageKey,
    consumerGroup: MAIL_CONSUMER,
    status: 'CONSUMED',
  });
  return { messageKey, consumerGroup: MAIL_CONSUMER };
}

const bounce = (over: Partial<MailEvent>): MailEvent => ({
  provider: 'generic',
  eventId: randomUUID(),
  type: 'bounce',
  bounceType: 'hard',
  recipient: 'someone@gmial.com',
  at: new Date(),
  ...over,
});

it('records an event once, for the delivery its Message-ID names, and applies it once', async () => {
  const target = await delivery();
  const applied: [MailEvent, MailEventTarget][] = [];
  const sink = createMailEventSink({
    applyToFlow: (event, t) => {
      applied.push([event, t]);
      return Promise.resolve();
    },
  });
  const event = bounce({ messageId: mailMessageId(target.messageKey) });
  expect(await sink.accept(event)).toBe('recorded');
  expect(await sink.accept(event)).toBe('duplicate');
  expect(applied).toEqual([[event, target]]);
  const records = await MailEventRecord.find({ eventId: event.eventId }).lean();
  expect(records).toHaveLength(1);
  expect(records[0]).toMatchObject({ target, appliedAt: expect.any(Date) as Date });
});

it('finds the delivery by the provider’s id the SMTP reply gave', async () => {
  const target = await delivery();
  await recordSmtpReply(target.messageKey, {
    smtpResponse: '250 Ok: queued as Q123',
    providerMessageId: `Q-${target.messageKey}`,
  });
  const sink = createMailEventSink({ applyToFlow: () => Promise.resolve() });
  const event = bounce({ provider: 'postmark', providerMessageId: `Q-${target.messageKey}` });
  expect(await sink.accept(event)).toBe('recorded');
  expect((await MailEventRecord.findOne({ eventId: event.eventId }).lean())?.target).toEqual(target);
});

it('applies an event again when it is posted again after its application failed, and not after that', async () => {
  const target = await delivery();
  let calls = 0;
  const sink = createMailEventSink({
    applyToFlow: () => (++calls === 1 ? Promise.reject(new Error('Temporal is down')) : Promise.resolve()),
  });
  const event = bounce({ messageId: mailMessageId(target.messageKey) });
  await expect(sink.accept(event)).rejects.toThrow('Temporal is down');
  expect(await sink.accept(event)).toBe('duplicate');
  expect(await sink.accept(event)).toBe('duplicate');
  expect(calls).toBe(2);
});

it('records an event about a mail it did not send without a delivery, and applies nothing', async () => {
  let calls = 0;
  const sink = createMailEventSink({
    applyToFlow: () => {
      calls++;
      return Promise.resolve();
    },
  });
  const event = bounce({ messageId: `<${randomUUID()}.${MAIL_CONSUMER}@reliable-signup>` });
  expect(await sink.accept(event)).toBe('unknown-message');
  expect(calls).toBe(0);
  expect((await MailEventRecord.findOne({ eventId: event.eventId }).lean())?.target).toBeUndefined();
});
