/**
 * Account pre-hijacking (Sudhodanan & Paverd, USENIX Security 2022), on the real stack: somebody registers
 * a victim's address with their own login name and password, and resends. The victim, who controls the
 * mailbox, still registers with their own login name and password, and the account they activate is
 * theirs: the squatter's registration is gone, its links dead, its login name free again.
 */
import { verify } from '@node-rs/argon2';
import mongoose from 'mongoose';
import { startApp, type RunningApp } from '../setup/app';
import { mailTo, waitForMail, type CaughtMail } from '../setup/mailbox';
import { activate, activationLink, signupClient } from '../setup/signup';

let app: RunningApp;
let client: ReturnType<typeof signupClient>;

beforeAll(async () => {
  app = await startApp({ ADMIN_TOKEN: 'hijack-admin' });
  client = signupClient(app.baseUrl, 'hijack-admin');
});
afterAll(async () => {
  await app?.stop();
});

const register = (user: object) => client.api('POST', '/api/users/register', { json: user });
const linkIn = (mail: CaughtMail) => activationLink(mail.text!)!;
const naming = (loginName: string) => (mail: CaughtMail) =>
  mail.subject === 'Activate your account' && mail.text!.includes(`login name "${loginName}"`);

test('the squatter registers and resends; the victim registers and activates: the account is the victim’s, the squatter’s registration gone', async () => {
  const victim = { ...client.newUser(), password: 'the victim’s own passphrase' };
  const squatter = { ...client.newUser(), email: victim.email, password: 'the squatter’s passphrase' };

  // 1–2. The squatter holds the address and resends.
  expect((await register(squatter)).status).toBe(202);
  const resend = await client.api('POST', '/api/users/activation/resend', { json: { email: victim.email } });
  expect(resend.status).toBe(202);
  await waitForMail(victim.email, 2);
  const squattersMails = (await mailTo(victim.email)).filter(naming(squatter.loginName));
  expect(squattersMails).toHaveLength(2);

  // 3. The victim registers with their own login name and password: answered as any registration.
  const answer = await register(victim);
  expect(answer.status).toBe(202);
  const [victimsMail] = (await waitForMail(victim.email, 3)).filter(naming(victim.loginName));
  expect(victimsMail).toBeDefined();

  // The squatter's links activate nothing any more.
  for (const mail of squattersMails) expect((await activate(linkIn(mail))).status).toBe(410);

  // 4. The victim activates from their mail.
  expect((await activate(linkIn(victimsMail))).status).toBe(200);

  // 5. The account is the victim's, with the victim's password.
  const account = await client.lookUp(victim.email);
  expect(account).toMatchObject({ loginName: victim.loginName, status: 'ENABLED' });
  const db = await mongoose.createConnection(app.env.MONGODB_URI!).asPromise();
  try {
    const users = await db.collection<{ _id: string }>('users').find({ email: victim.email }).toArray();
    expect(users).toHaveLength(1);
    const { passwordHash } = users[0] as unknown as { passwordHash: string };
    expect(await verify(passwordHash, victim.password)).toBe(true);
    expect(await verify(passwordHash, squatter.password)).toBe(false);

    // 6. The squatter's registration is gone: no user has its login name, which is free again.
    expect(await db.collection('users').countDocuments({ loginName: squatter.loginName })).toBe(0);
  } finally {
    await db.close();
  }
  expect((await register({ ...client.newUser(), loginName: squatter.loginName })).status).toBe(202);
});

test('a squatter who registers again after the victim replaces the victim’s pending registration only until the victim registers again', async () => {
  const victim = client.newUser();
  const squatter = { ...client.newUser(), email: victim.email, password: 'another passphrase' };
  expect((await register(victim)).status).toBe(202);
  expect((await register(squatter)).status).toBe(202);
  expect((await register(victim)).status).toBe(202);
  const mails = await waitForMail(victim.email, 3);
  // Two mails name the victim's login name; only the one the second registration sent still works.
  const statuses = [];
  for (const mail of mails.filter(naming(victim.loginName))) statuses.push((await activate(linkIn(mail))).status);
  expect(statuses.sort()).toEqual([200, 410]);
  expect(await client.lookUp(victim.email)).toMatchObject({ loginName: victim.loginName, status: 'ENABLED' });
});
