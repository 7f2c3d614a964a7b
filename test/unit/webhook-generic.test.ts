/**
 * The generic webhook (api/webhooks/generic.ts): `X-Signature: t=…,v1=<HMAC-SHA256(secret, t.body)>` over a
 * JSON event or a raw RFC 3464 delivery report; anything unsigned, wrongly signed or stale is refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { genericWebhook } from '../../api/webhooks/generic';
import { genericPost } from '../setup/mail-event-posts';
import { refusalOf } from '../setup/refusal';

const secret = 'a-generic-secret-for-the-tests';
const webhook = genericWebhook({ secret });
const bounce = {
  type: 'bounce',
  messageId: '<m-1.CID_OPC@reliable-signup>',
  recipient: 'someone@gmial.com',
  bounceType: 'hard',
  diagnostic: '550 5.1.1 user unknown',
  at: '2026-12-03T12:00:00Z',
};

it('reads a correctly signed JSON event as one MailEvent', async () => {
  const [event] = await webhook(genericPost(secret, bounce));
  expect(event).toMatchObject({
    provider: 'generic',
    type: 'bounce',
    bounceType: 'hard',
    messageId: '<m-1.CID_OPC@reliable-signup>',
    recipient: 'someone@gmial.com',
    diagnostic: '550 5.1.1 user unknown',
    at: new Date('2026-12-03T12:00:00Z'),
  });
  // The same body posted again is the same event.
  const [again] = await webhook(genericPost(secret, bounce));
  expect(again.eventId).toBe(event.eventId);
});

it('refuses a missing signature, a wrong secret and a changed body', async () => {
  const { body } = genericPost(secret, bounce);
  expect((await refusalOf(webhook({ headers: {}, body }))).reason).toBe('signature');
  expect((await refusalOf(webhook(genericPost('another-secret-entirely', bounce)))).reason).toBe('signature');
  const signed = genericPost(secret, bounce);
  const changed = Buffer.from(signed.body.toString().replace('hard', 'soft'));
  const refusal = await refusalOf(webhook({ headers: signed.headers, body: changed }));
  expect([refusal.reason, refusal.status, refusal.code]).toEqual(['signature', 401, 'SIGNATURE_INVALID']);
});

it('refuses a timestamp more than five minutes old (or ahead), even correctly signed', async () => {
  const now = Math.floor(Date.now() / 1000);
  for (const t of [now - 301, now + 301]) {
    const refusal = await refusalOf(webhook(genericPost(secret, bounce, { t })));
    expect([refusal.reason, refusal.status, refusal.code]).toEqual(['stale', 401, 'TIMESTAMP_STALE']);
  }
  await expect(webhook(genericPost(secret, bounce, { t: now - 240 }))).resolves.toHaveLength(1);
});

it('refuses a signed body that is not an event, as malformed (400)', async () => {
  const refusal = await refusalOf(webhook(genericPost(secret, { type: 'opened', recipient: 'x@y.z' })));
  expect([refusal.reason, refusal.status]).toEqual(['malformed', 400]);
});

it('reads a signed RFC 3464 delivery report: the recipient, hard or soft, and the returned Message-ID', async () => {
  const raw = readFileSync(join(__dirname, '../fixtures/delivery-report.eml'));
  const events = await webhook(genericPost(secret, {}, { raw, contentType: 'message/rfc822' }));
  expect(events).toEqual([
    expect.objectContaining({
      provider: 'generic',
      type: 'bounce',
      bounceType: 'hard',
      messageId: '<abc-123.CID_OPC@reliable-signup>',
      recipient: 'someone@gmial.com',
      diagnostic: expect.stringContaining('5.1.1') as string,
    }),
    expect.objectContaining({
      type: 'delay',
      recipient: 'other@slow.example',
      messageId: '<abc-123.CID_OPC@reliable-signup>',
    }),
  ]);
  // The same report again is the same events.
  const again = await webhook(genericPost(secret, {}, { raw, contentType: 'message/rfc822' }));
  expect(again.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
});
