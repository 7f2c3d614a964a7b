/** The Postmark webhook (api/webhooks/postmark.ts): basic-auth credentials, Postmark's record types. */
import { postmarkWebhook } from '../../api/webhooks/postmark';
import { postmarkPost } from '../setup/mail-event-posts';
import { refusalOf } from '../setup/refusal';

const webhook = postmarkWebhook({ username: 'postmark', password: 'a-long-webhook-password' });
const credentials = 'postmark:a-long-webhook-password';
const bounce = {
  RecordType: 'Bounce',
  ID: 4323372036,
  Type: 'HardBounce',
  MessageID: '883953f4-6105-42a2-a16a-77a8eac79483',
  Email: 'someone@gmial.com',
  Details: 'smtp;550 5.1.1 user unknown',
  BouncedAt: '2026-12-03T12:00:00Z',
};

it('reads a bounce with the right credentials, named by Postmark’s MessageID', async () => {
  const [event] = await webhook(postmarkPost(credentials, bounce));
  expect(event).toMatchObject({
    provider: 'postmark',
    type: 'bounce',
    bounceType: 'hard',
    providerMessageId: '883953f4-6105-42a2-a16a-77a8eac79483',
    recipient: 'someone@gmial.com',
    diagnostic: 'smtp;550 5.1.1 user unknown',
    at: new Date('2026-12-03T12:00:00Z'),
  });
});

it('reads soft bounces, transient ones (delays), complaints and deliveries', async () => {
  const kind = async (over: Record<string, unknown>) => {
    const [e] = await webhook(postmarkPost(credentials, { ...bounce, ...over }));
    return [e.type, e.bounceType];
  };
  expect(await kind({ Type: 'SoftBounce' })).toEqual(['bounce', 'soft']);
  expect(await kind({ Type: 'Transient' })).toEqual(['delay', undefined]);
  expect(await kind({ RecordType: 'SpamComplaint', Type: 'SpamComplaint' })).toEqual(['complaint', undefined]);
  expect(await kind({ RecordType: 'Delivery', Recipient: 'someone@gmial.com' })).toEqual(['delivery', undefined]);
});

it('refuses missing or wrong credentials', async () => {
  const { body } = postmarkPost(credentials, bounce);
  expect((await refusalOf(webhook({ headers: {}, body }))).reason).toBe('signature');
  for (const wrong of ['postmark:wrong', 'postmark:a-long-webhook-passwor', 'other:a-long-webhook-password']) {
    const refusal = await refusalOf(webhook(postmarkPost(wrong, bounce)));
    expect([refusal.reason, refusal.status]).toEqual(['signature', 401]);
  }
});
