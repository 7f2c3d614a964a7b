/**
 * POST /webhooks/mail-events/{provider} (api/routes/mail-events.ts) in a real Express app, with the real
 * generic webhook and a sink that keeps what it is given: a provider without a secret is off, a body over
 * the limit is refused 413 before any check, and each refusal is counted by provider and reason.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { errorHandler } from '../../api/errors';
import { createApiMetrics } from '../../api/metrics';
import { mailEventsRouter } from '../../api/routes/mail-events';
import { genericWebhook } from '../../api/webhooks/generic';
import type { MailEvent } from '../../domain/mail-events';
import { request } from '../setup/http';
import { genericPost } from '../setup/mail-event-posts';
import { parseSamples, total } from '../setup/metrics';

const secret = 'a-generic-secret-for-the-tests';
const metrics = createApiMetrics();
const accepted: MailEvent[] = [];
let baseUrl: string;
let close: () => void;

beforeAll(async () => {
  const app = express()
    .use(
      mailEventsRouter({
        webhooks: { generic: genericWebhook({ secret }) },
        sink: {
          accept: (event) => {
            accepted.push(event);
            return Promise.resolve('recorded');
          },
        },
        metrics,
      }),
    )
    .use(errorHandler);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

const refusals = async (provider: string, reason: string) =>
  total(parseSamples(await metrics.registry.metrics()), 'reliable_signup_mail_event_refusals_total', {
    provider,
    reason,
  });
const event = { type: 'delivery', messageId: '<m.CID_OPC@reliable-signup>', recipient: 'a@example.test' };

it('answers 202 with each event’s outcome for a signed post, and counts it', async () => {
  const p = genericPost(secret, event);
  const res = await request(baseUrl, 'POST', '/webhooks/mail-events/generic', {
    raw: p.body.toString(),
    headers: p.headers,
  });
  expect(res.status).toBe(202);
  expect(res.body).toEqual({
    events: [{ eventId: expect.any(String) as string, type: 'delivery', outcome: 'recorded' }],
  });
  expect(accepted).toHaveLength(1);
  const samples = parseSamples(await metrics.registry.metrics());
  const counted = { provider: 'generic', type: 'delivery', outcome: 'recorded' };
  expect(total(samples, 'reliable_signup_mail_events_total', counted)).toBe(1);
});

it('answers 404 PROVIDER_OFF for a provider whose secret is not set, and counts it', async () => {
  const p = genericPost(secret, event);
  const res = await request(baseUrl, 'POST', '/webhooks/mail-events/mailgun', {
    raw: p.body.toString(),
    headers: p.headers,
  });
  expect([res.status, res.body.error.code]).toEqual([404, 'PROVIDER_OFF']);
  expect(await refusals('mailgun', 'off')).toBe(1);
  const unknown = await request(baseUrl, 'POST', '/webhooks/mail-events/carrier-pigeon', { raw: '{}' });
  expect([unknown.status, unknown.body.error.code]).toEqual([404, 'NOT_FOUND']);
});

it('refuses a body over 256 KiB with 413, and an unsigned one with 401, recording neither', async () => {
  const before = accepted.length;
  const big = genericPost(secret, { ...event, diagnostic: 'x'.repeat(256 * 1024) });
  const tooLarge = await request(baseUrl, 'POST', '/webhooks/mail-events/generic', {
    raw: big.body.toString(),
    headers: big.headers,
  });
  expect([tooLarge.status, tooLarge.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  const unsigned = await request(baseUrl, 'POST', '/webhooks/mail-events/generic', { json: event });
  expect([unsigned.status, unsigned.body.error.code]).toEqual([401, 'SIGNATURE_INVALID']);
  expect(accepted.length).toBe(before);
  expect([await refusals('generic', 'too-large'), await refusals('generic', 'signature')]).toEqual([1, 1]);
});
