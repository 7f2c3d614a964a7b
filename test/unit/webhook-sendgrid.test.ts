/**
 * The SendGrid webhook (api/webhooks/sendgrid.ts): ECDSA P-256 over the timestamp header and the raw body,
 * with the configured public key; a batch of events per post.
 */
import { sendgridWebhook } from '../../api/webhooks/sendgrid';
import { sendgridKeys, sendgridPost } from '../setup/mail-event-posts';
import { refusalOf } from '../setup/refusal';

const keys = sendgridKeys();
const webhook = sendgridWebhook({ publicKey: keys.publicKey });
const event = (over: Record<string, unknown>) => ({
  email: 'someone@gmial.com',
  timestamp: Math.floor(Date.now() / 1000),
  'smtp-id': '<m-1.CID_OPC@reliable-signup>',
  sg_message_id: 'queued-id-1.filter0001.16648.5515E0B88.0',
  ...over,
});

it('reads a correctly signed batch, named by smtp-id and by the id of the SMTP reply', async () => {
  const events = await webhook(
    sendgridPost(keys.privateKey, [
      event({ event: 'bounce', type: 'bounce', sg_event_id: 'e1', status: '5.1.1', reason: 'user unknown' }),
      event({ event: 'spamreport', sg_event_id: 'e2' }),
      event({ event: 'deferred', sg_event_id: 'e3' }),
      event({ event: 'delivered', sg_event_id: 'e4' }),
      event({ event: 'open', sg_event_id: 'e5' }),
    ]),
  );
  expect(events.map((e) => [e.eventId, e.type, e.bounceType])).toEqual([
    ['e1', 'bounce', 'hard'],
    ['e2', 'complaint', undefined],
    ['e3', 'delay', undefined],
    ['e4', 'delivery', undefined],
  ]);
  expect(events[0]).toMatchObject({
    provider: 'sendgrid',
    messageId: '<m-1.CID_OPC@reliable-signup>',
    providerMessageId: 'queued-id-1',
    diagnostic: '5.1.1 user unknown',
  });
});

it('refuses another key, a changed body, a missing signature and a stale timestamp', async () => {
  const batch = [event({ event: 'bounce', sg_event_id: 'e1' })];
  expect((await refusalOf(webhook(sendgridPost(sendgridKeys().privateKey, batch)))).reason).toBe('signature');
  const signed = sendgridPost(keys.privateKey, batch);
  const changed = Buffer.from(signed.body.toString().replace('someone', 'anyone'));
  expect((await refusalOf(webhook({ headers: signed.headers, body: changed }))).reason).toBe('signature');
  expect((await refusalOf(webhook({ headers: {}, body: signed.body }))).reason).toBe('signature');
  const stale = sendgridPost(keys.privateKey, batch, Math.floor(Date.now() / 1000) - 301);
  expect((await refusalOf(webhook(stale))).reason).toBe('stale');
});

it('takes the key as PEM too', async () => {
  const pem = `-----BEGIN PUBLIC KEY-----\n${keys.publicKey}\n-----END PUBLIC KEY-----\n`;
  const fromPem = sendgridWebhook({ publicKey: pem });
  await expect(
    fromPem(sendgridPost(keys.privateKey, [event({ event: 'delivered', sg_event_id: 'e' })])),
  ).resolves.toHaveLength(1);
});
