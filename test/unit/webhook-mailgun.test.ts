/**
 * The Mailgun webhook (api/webhooks/mailgun.ts): HMAC-SHA256 of timestamp + token with the signing key, a
 * fresh timestamp, and a token that carries one event only (Mailgun's signature does not cover the body).
 */
import { mailgunWebhook, redisMailgunTokens } from '../../api/webhooks/mailgun';
import { mailgunPost } from '../setup/mail-event-posts';
import { MemoryRedis } from '../setup/memory-redis';
import { refusalOf } from '../setup/refusal';

const signingKey = 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0';
const webhook = () => mailgunWebhook({ signingKey }, redisMailgunTokens(new MemoryRedis().asRedis()));
const failed = (id = 'evt-1') => ({
  id,
  event: 'failed',
  severity: 'permanent',
  timestamp: Date.now() / 1000,
  recipient: 'someone@gmial.com',
  message: { headers: { 'message-id': 'm-1.CID_OPC@reliable-signup' } },
  'delivery-status': { code: 550, message: '5.1.1 user unknown' },
});

it('reads a correctly signed permanent failure as a hard bounce, named by its Message-ID', async () => {
  const [event] = await webhook()(mailgunPost(signingKey, failed()));
  expect(event).toMatchObject({
    provider: 'mailgun',
    eventId: 'evt-1',
    type: 'bounce',
    bounceType: 'hard',
    messageId: '<m-1.CID_OPC@reliable-signup>',
    recipient: 'someone@gmial.com',
    diagnostic: '550 5.1.1 user unknown',
  });
});

it('reads complaints, deliveries and temporary failures (delays), and skips other events', async () => {
  const hook = webhook();
  const type = async (data: Record<string, unknown>) =>
    (await hook(mailgunPost(signingKey, { ...failed(), ...data })))[0]?.type;
  expect(await type({ id: 'c', event: 'complained' })).toBe('complaint');
  expect(await type({ id: 'd', event: 'delivered' })).toBe('delivery');
  expect(await type({ id: 't', severity: 'temporary' })).toBe('delay');
  expect(await type({ id: 'o', event: 'opened' })).toBeUndefined();
});

it('refuses a wrong signing key and a stale timestamp', async () => {
  expect((await refusalOf(webhook()(mailgunPost('another-key', failed())))).reason).toBe('signature');
  const stale = mailgunPost(signingKey, failed(), { timestamp: Math.floor(Date.now() / 1000) - 301 });
  expect((await refusalOf(webhook()(stale))).reason).toBe('stale');
});

it('takes a token once: the same event again passes (recorded once later), another event with it is refused', async () => {
  const hook = webhook();
  const token = 'a-token-of-fifty-characters-as-mailgun-sends-them-x';
  await expect(hook(mailgunPost(signingKey, failed('evt-1'), { token }))).resolves.toHaveLength(1);
  await expect(hook(mailgunPost(signingKey, failed('evt-1'), { token }))).resolves.toHaveLength(1);
  const refusal = await refusalOf(hook(mailgunPost(signingKey, failed('evt-2'), { token })));
  expect([refusal.reason, refusal.status, refusal.code]).toEqual(['replay', 401, 'REPLAYED']);
});
