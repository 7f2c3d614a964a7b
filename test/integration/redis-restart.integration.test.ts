/**
 * Activation links survive Redis: a registration's token is in Redis's append-only file, so after Redis
 * is killed (SIGKILL) and started again between the mail and the click, the link still activates.
 */
import { startApp, type RunningApp } from '../setup/app';
import { waitForMail } from '../setup/mailbox';
import { startPrivateServer, type PrivateServer } from '../setup/private-server';
import { activate, activationLink, signupClient } from '../setup/signup';

let redis: PrivateServer;
let app: RunningApp;

beforeAll(async () => {
  redis = await startPrivateServer('redis');
  app = await startApp({ ...redis.env, ADMIN_TOKEN: 'redis-admin' });
});
afterAll(async () => {
  await app?.stop();
  await redis?.stop();
});

test('Redis killed and restarted between the mail and the click: the link activates', async () => {
  const client = signupClient(app.baseUrl, 'redis-admin');
  const user = client.newUser();
  const userId = await client.register(user);
  const [mail] = await waitForMail(user.email);
  const link = activationLink(mail.text!)!;

  await redis.kill();
  await redis.start();

  const activated = await activate(link);
  expect(activated.status).toBe(200);
  expect(activated.body).toEqual({ userId, status: 'ENABLED' });
  await waitForMail(user.email, 2);
});
