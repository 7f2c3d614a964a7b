/**
 * DKIM signing (MAIL_DKIM_*, the key from a file as a mounted secret would give it), checked by an
 * independent verifier (mailauth) against the raw mail the real SMTP server (maildev) received, with the
 * domain's public key published in a stand-in DNS. Every mail is marked Auto-Submitted and has a text part.
 */
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import { startApp, type RunningApp } from '../setup/app';
import { waitForMail } from '../setup/mailbox';
import { signupClient } from '../setup/signup';

const DOMAIN = 'signup.example.test';
const SELECTOR = 'mail2026';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
/** The domain's DKIM record, as DNS would publish it. */
const published = `v=DKIM1; k=rsa; p=${keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
const resolver = (name: string, type: string) => {
  if (type === 'TXT' && name === `${SELECTOR}._domainkey.${DOMAIN}`) return Promise.resolve([[published]]);
  return Promise.reject(Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' }));
};

let app: RunningApp;

beforeAll(async () => {
  const keyFile = join(process.env.TEST_DATA_DIR!, `dkim-${SELECTOR}.pem`);
  writeFileSync(keyFile, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  app = await startApp({
    ADMIN_TOKEN: 'dkim-admin',
    MAIL_FROM: `Signup <no-reply@${DOMAIN}>`,
    MAIL_DKIM_DOMAIN: DOMAIN,
    MAIL_DKIM_SELECTOR: SELECTOR,
    MAIL_DKIM_PRIVATE_KEY_FILE: keyFile,
  });
});
afterAll(async () => {
  await app?.stop();
});

async function rawMail(id: string): Promise<Buffer> {
  const res = await fetch(`${process.env.MAIL_API_URL}/email/${id}/source`);
  if (!res.ok) throw new Error(`maildev answered ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

const dkimResults = async (raw: Buffer) =>
  (await dkimVerify(raw, { resolver })).results.map((r) => [r.signingDomain, r.status.result]);

test('the activation mail is DKIM-signed for the domain, marked Auto-Submitted, with a text and an HTML part', async () => {
  const client = signupClient(app.baseUrl, 'dkim-admin');
  const user = client.newUser();
  await client.register(user);
  const [mail] = await waitForMail(user.email);
  const raw = await rawMail(mail.id);

  expect(await dkimResults(raw)).toEqual([[DOMAIN, 'pass']]);
  expect(mail.headers['auto-submitted']).toBe('auto-generated');
  expect(mail.text?.trim()).toBeTruthy();
  expect(mail.html?.trim()).toBeTruthy();

  // The same verifier tells a changed mail: the signature covers what the person reads.
  const changed = Buffer.from(raw.toString('latin1').replace(/Hello /, 'Hallo '), 'latin1');
  expect(await dkimResults(changed)).not.toEqual([[DOMAIN, 'pass']]);
});
