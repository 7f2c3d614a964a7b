/**
 * `npm start`'s mail simulator (stack/mail-simulator.ts) against the real stack: a registration at
 * bounce.test, complaint.test or delay.test gets its event from the simulator, posted signed to the generic
 * webhook after the mail reached maildev, and recorded for the delivery of that mail. The delay is 0 here.
 */
import mongoose, { type Connection } from 'mongoose';
import { randomBytes, randomUUID } from 'node:crypto';
import { startMailSimulator } from '../../stack/mail-simulator';
import { startApp, type RunningApp } from '../setup/app';
import { eventually } from '../setup/http';
import { waitForMail } from '../setup/mailbox';
import { signupClient } from '../setup/signup';

const SECRET = randomBytes(24).toString('base64url');
let app: RunningApp;
let db: Connection;
let simulator: { stop(): void };

beforeAll(async () => {
  app = await startApp({ ADMIN_TOKEN: 'simulator-admin', MAIL_EVENTS_GENERIC_SECRET: SECRET });
  db = await mongoose.createConnection(app.env.MONGODB_URI!).asPromise();
  simulator = startMailSimulator({
    mailApiUrl: process.env.MAIL_API_URL!,
    webhookUrl: `${app.baseUrl}/webhooks/mail-events/generic`,
    secret: SECRET,
    delayMs: 0,
    pollMs: 200,
  });
});
afterAll(async () => {
  simulator?.stop();
  await db?.close();
  await app?.stop();
});

test.each([
  ['bounce.test', { type: 'bounce', bounceType: 'hard' }],
  ['complaint.test', { type: 'complaint' }],
  ['delay.test', { type: 'delay' }],
])('a mail to an address at %s gets its event, recorded for its delivery', async (domain, expected) => {
  const client = signupClient(app.baseUrl, 'simulator-admin');
  const user = { ...client.newUser(), email: `someone.${randomUUID().slice(0, 8)}@${domain}` };
  const userId = await client.register(user);
  await waitForMail(user.email);
  const [message] = (await client.messagesOf(userId)).filter((m) => m.tag === 'ACTIVE_USER');
  const event = await eventually(
    () => db.collection('mail_events').findOne({ recipient: user.email }),
    `the simulated ${expected.type} recorded`,
  );
  expect(event).toMatchObject({
    provider: 'generic',
    ...expected,
    target: { messageKey: message.messageKey, consumerGroup: 'CID_OPC' },
  });
});

test('a mail to any other address gets no event', async () => {
  const client = signupClient(app.baseUrl, 'simulator-admin');
  const bounced = { ...client.newUser(), email: `someone.${randomUUID().slice(0, 8)}@bounce.test` };
  const other = client.newUser();
  // The other mail is sent first: once the bounce's event is recorded, the simulator has seen both.
  await client.register(other);
  await waitForMail(other.email);
  await client.register(bounced);
  await eventually(() => db.collection('mail_events').findOne({ recipient: bounced.email }), 'the bounce recorded');
  expect(await db.collection('mail_events').countDocuments({ recipient: other.email })).toBe(0);
});
