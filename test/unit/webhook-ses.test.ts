/**
 * The SES webhook (api/webhooks/ses.ts): Amazon SNS signatures of version 1 (SHA1) and 2 (SHA256), with a
 * certificate fetched only from SNS's own host (here a certificate of the test's own, its fetch stood in
 * for), a topic of the allow-list, a fresh timestamp; subscriptions confirmed for allowed topics only.
 */
import { sesWebhook } from '../../api/webhooks/ses';
import { snsCertificates } from '../../api/webhooks/sns-certificates';
import { sesBounce, snsPost, snsSigner } from '../setup/mail-event-posts';
import { refusalOf } from '../setup/refusal';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ses-events';
const CERT_URL = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem';
let signer: { certificate: string; privateKey: string };
let fetched: string[];
let visited: string[];

beforeAll(async () => {
  signer = await snsSigner();
});

function webhook(hostCheck: 'on' | 'off' = 'on') {
  fetched = [];
  visited = [];
  const signingKey = snsCertificates({ hostCheck }, (url) => {
    fetched.push(url);
    return Promise.resolve(signer.certificate);
  });
  return sesWebhook(
    { topicArns: [TOPIC], hostCheck },
    {
      signingKey,
      visit: (url) => {
        visited.push(url);
        return Promise.resolve();
      },
    },
  );
}

const notification = (over: Partial<Parameters<typeof snsPost>[1]> = {}) =>
  snsPost(signer.privateKey, {
    Type: 'Notification',
    TopicArn: TOPIC,
    SigningCertURL: CERT_URL,
    Message: sesBounce('<m-1.CID_OPC@reliable-signup>', 'someone@gmial.com'),
    ...over,
  });

it.each(['1', '2'] as const)('reads a bounce signed with signature version %s', async (SignatureVersion) => {
  const [event] = await webhook()(notification({ SignatureVersion }));
  expect(event).toMatchObject({
    provider: 'ses',
    type: 'bounce',
    bounceType: 'hard',
    messageId: '<m-1.CID_OPC@reliable-signup>',
    recipient: 'someone@gmial.com',
    diagnostic: 'smtp; 550 5.1.1 user unknown',
  });
  expect(event.providerMessageId).toMatch(/^0100/);
});

it('fetches each certificate once, then uses it from the cache', async () => {
  const hook = webhook();
  await hook(notification());
  await hook(notification());
  expect(fetched).toEqual([CERT_URL]);
});

it('refuses a certificate from anywhere but SNS’s host, without fetching it', async () => {
  const hook = webhook();
  for (const url of [
    'https://evil.example.com/SimpleNotificationService-1.pem',
    'http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-1.pem',
    'https://sns.eu-west-1.amazonaws.com.evil.example/SimpleNotificationService-1.pem',
    'https://sns.eu-west-1.amazonaws.com/other.pem',
  ]) {
    expect((await refusalOf(hook(notification({ SigningCertURL: url })))).reason).toBe('signature');
  }
  expect(fetched).toEqual([]);
});

it('takes a certificate from any URL only with the host check off (which production refuses)', async () => {
  await expect(webhook('off')(notification({ SigningCertURL: 'http://127.0.0.1:9/cert.pem' }))).resolves.toHaveLength(
    1,
  );
});

it('refuses a changed message, another key, a stale timestamp and a topic off the allow-list', async () => {
  const hook = webhook();
  const signed = notification();
  const changed = Buffer.from(signed.body.toString().replace('Permanent', 'Transient'));
  expect((await refusalOf(hook({ headers: signed.headers, body: changed }))).reason).toBe('signature');
  const other = await snsSigner();
  const foreign = snsPost(other.privateKey, {
    Type: 'Notification',
    TopicArn: TOPIC,
    SigningCertURL: CERT_URL,
    Message: '{}',
  });
  expect((await refusalOf(hook(foreign))).reason).toBe('signature');
  const stale = notification({ Timestamp: new Date(Date.now() - 301_000).toISOString() });
  expect((await refusalOf(hook(stale))).reason).toBe('stale');
  const refusal = await refusalOf(hook(notification({ TopicArn: 'arn:aws:sns:eu-west-1:999999999999:other' })));
  expect([refusal.reason, refusal.status]).toEqual(['topic', 403]);
});

it('confirms a subscription to an allowed topic by its SubscribeURL, and no other', async () => {
  const subscribeUrl = 'https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=x&Token=t';
  const confirmation = (TopicArn: string) =>
    snsPost(signer.privateKey, {
      Type: 'SubscriptionConfirmation',
      TopicArn,
      SigningCertURL: CERT_URL,
      Message: 'You have chosen to subscribe',
      SubscribeURL: subscribeUrl,
      Token: 't',
    });
  const hook = webhook();
  await expect(hook(confirmation(TOPIC))).resolves.toEqual([]);
  expect(visited).toEqual([subscribeUrl]);
  expect((await refusalOf(hook(confirmation('arn:aws:sns:eu-west-1:999999999999:other')))).reason).toBe('topic');
  expect(visited).toEqual([subscribeUrl]);
});
