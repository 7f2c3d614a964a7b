/**
 * Posts of each mail provider, signed as the provider signs them (docs/mail-events.md): for the unit tests of
 * api/webhooks/ and for the integration tests that post them to the running API.
 */
import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { signGeneric } from '../../api/webhooks/generic';
import { signMailgun } from '../../api/webhooks/mailgun';
import { snsStringToSign } from '../../api/webhooks/ses';

export interface Post {
  headers: Record<string, string>;
  body: Buffer;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const nowSeconds = () => Math.floor(Date.now() / 1000);

export function genericPost(
  secret: string,
  event: Record<string, unknown>,
  opts: { t?: number; contentType?: string; raw?: Buffer } = {},
): Post {
  const body = opts.raw ?? json(event);
  return {
    headers: {
      'content-type': opts.contentType ?? 'application/json',
      'x-signature': signGeneric(secret, body, opts.t ?? nowSeconds()),
    },
    body,
  };
}

export function mailgunPost(
  signingKey: string,
  eventData: Record<string, unknown>,
  opts: { timestamp?: number; token?: string } = {},
): Post {
  const timestamp = String(opts.timestamp ?? nowSeconds());
  const token = opts.token ?? randomUUID().replace(/-/g, '');
  return {
    headers: { 'content-type': 'application/json' },
    body: json({
      signature: { timestamp, token, signature: signMailgun(signingKey, timestamp, token) },
      'event-data': eventData,
    }),
  };
}

/** A P-256 key pair; `publicKey` as SendGrid shows it (base64 of the DER public key). */
export function sendgridKeys(): { privateKey: KeyObject; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') };
}

export function sendgridPost(privateKey: KeyObject, events: Record<string, unknown>[], timestamp = nowSeconds()): Post {
  const body = json(events);
  const signature = sign('sha256', Buffer.concat([Buffer.from(String(timestamp)), body]), privateKey).toString(
    'base64',
  );
  return {
    headers: {
      'content-type': 'application/json',
      'x-twilio-email-event-webhook-signature': signature,
      'x-twilio-email-event-webhook-timestamp': String(timestamp),
    },
    body,
  };
}

export function postmarkPost(credentials: string, event: Record<string, unknown>): Post {
  return {
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
    },
    body: json(event),
  };
}

/** An SNS signing certificate of the test's own, and its key. */
export async function snsSigner(): Promise<{ certificate: string; privateKey: string }> {
  const pems = await generate([{ name: 'commonName', value: 'sns.test-region.amazonaws.com' }], {
    keySize: 2048,
    algorithm: 'sha256',
  });
  return { certificate: pems.cert, privateKey: pems.private };
}

export interface SnsFields {
  Type: 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
  TopicArn: string;
  Message: string;
  SigningCertURL: string;
  MessageId?: string;
  Timestamp?: string;
  SubscribeURL?: string;
  Token?: string;
  SignatureVersion?: '1' | '2';
}

/** An SNS message signed with `privateKey` (version 1: SHA1, 2: SHA256), as SNS posts it. */
export function snsPost(privateKey: string, fields: SnsFields): Post {
  const message = {
    MessageId: randomUUID(),
    Timestamp: new Date().toISOString(),
    SignatureVersion: '2' as const,
    ...fields,
  };
  const algorithm = message.SignatureVersion === '1' ? 'sha1' : 'sha256';
  const Signature = sign(algorithm, Buffer.from(snsStringToSign({ ...message, Signature: '' })), privateKey).toString(
    'base64',
  );
  return {
    headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': fields.Type },
    body: json({ ...message, Signature }),
  };
}

/** An SES bounce notification, as SNS carries it in `Message`. */
export function sesBounce(messageId: string, recipient: string, bounceType = 'Permanent'): string {
  return JSON.stringify({
    notificationType: 'Bounce',
    mail: { messageId: `0100${createHash('sha1').update(messageId).digest('hex')}`, commonHeaders: { messageId } },
    bounce: {
      bounceType,
      bouncedRecipients: [{ emailAddress: recipient, diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
      timestamp: new Date().toISOString(),
    },
  });
}

/** A local HTTP server that answers `routes` (path → body) and records every path asked for. */
export async function localServer(routes: Record<string, string>): Promise<{
  url: string;
  requested: string[];
  close(): Promise<void>;
}> {
  const requested: string[] = [];
  const server: Server = createServer((req, res) => {
    requested.push(req.url ?? '');
    const body = routes[(req.url ?? '').split('?')[0]];
    res.writeHead(body === undefined ? 404 : 200).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requested,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
