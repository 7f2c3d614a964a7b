/**
 * After a full register → activate run, the raw password, the raw token and the e-mail address are
 * nowhere in Temporal's history as the server stores it, nor in the logs; the password, the token and
 * the mail's code are nowhere in MongoDB or Redis (nor the code in the history or the logs). With the codec, the same history decodes to the inputs.
 */
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import Redis from 'ioredis';
import mongoose from 'mongoose';
import { readFileSync } from 'node:fs';
import { startApp, type RunningApp } from '../setup/app';
import { eventually } from '../setup/http';
import { waitForMail } from '../setup/mailbox';
import { activate, activationLink, signupClient } from '../setup/signup';

let app: RunningApp;
let client: ReturnType<typeof signupClient>;
let connection: Connection;
let rawClient: Client; // no codec: sees what the server stores

const user = {
  loginName: 'secretive_user',
  email: 'Secretive.Person@Example.test',
  password: 'pa55-Word-that-must-never-leak',
};
/** Someone else's attempt on the same address, after it is taken: its password must not be kept anywhere either. */
const attempt = { loginName: 'another_person', email: user.email, password: 'an0ther-pa55word-never-kept' };
let token: string;
/** The mail's activation code: six digits, so it is looked for as a number of its own, not inside longer ones. */
let code: string;
const holdsCode = (text: string) => new RegExp(`(?<![0-9A-Za-z])${code}(?![0-9A-Za-z])`).test(text);
let workflowId: string;
/** The attempt starts a run of its own under the same workflow id (rejected at once): this is the first one. */
let runId: string;
let noticeWorkflowId: string;

beforeAll(async () => {
  app = await startApp({ ADMIN_TOKEN: 'secrets-admin', CODEC_TOKEN: 'secrets-codec', LOG_LEVEL: 'debug' });
  client = signupClient(app.baseUrl, 'secrets-admin');
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
  rawClient = new Client({ connection });

  const registered = await client.api('POST', '/api/users/register', { json: user });
  expect(registered.status).toBe(202);
  const registration = await client.lookUp(user.email);
  const { userId } = registration;
  workflowId = registration.workflowId;
  const [mail] = await waitForMail(user.email);
  const link = activationLink(mail.text!)!;
  token = link.split('/').pop()!;
  code = /^([0-9]{6})$/m.exec(mail.text!)![1];
  expect((await activate(link)).status).toBe(200);
  expect((await activate(link)).body).toMatchObject({ status: 'ALREADY_ACTIVE' });
  await client.messageWith(userId, 'ACTIVE_USER_SUCCESS', 'FINISHED');
  // The raw client cannot read the (encrypted) result; it waits for the flow to complete.
  await eventually(
    async () => (await rawClient.workflow.getHandle(workflowId).describe()).status.name === 'COMPLETED',
    'the flow to complete',
  );
  runId = (await rawClient.workflow.getHandle(workflowId).describe()).runId;
  expect((await client.api('POST', '/api/users/register', { json: attempt })).status).toBe(202);
  noticeWorkflowId = (await client.messageWith(userId, 'ACCOUNT_EXISTS_NOTICE', 'FINISHED')).workflowId;
});
afterAll(async () => {
  await connection?.close();
  await app?.stop();
});

const secrets = () => ({
  password: user.password,
  attemptPassword: attempt.password,
  token,
  email: user.email.toLowerCase(),
  emailAsTyped: user.email,
});

test('the audit trail shows no token salt (the token derives from it)', async () => {
  const db = await mongoose.createConnection(app.env.MONGODB_URI!).asPromise();
  try {
    const stored = await db
      .db!.collection('messages')
      .findOne({ tag: 'ACTIVE_USER', 'body.email': user.email.toLowerCase() });
    const salt = (stored!.body as { tokenSalt: string }).tokenSalt;
    expect(salt).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const one = await client.api('GET', `/api/messages/${String(stored!._id)}`, { headers: client.admin });
    const list = await client.api('GET', '/api/messages?limit=100', { headers: client.admin });
    expect(one.status).toBe(200);
    expect(one.body.body).toEqual({
      userId: stored!.userId,
      loginName: user.loginName,
      email: user.email.toLowerCase(),
      // The registration's locale (docs/templates.md): this request named none, nor did its Accept-Language.
      locale: 'en',
    });
    for (const answer of [one, list]) expect(JSON.stringify(answer.body)).not.toContain(salt);
  } finally {
    await db.close();
  }
});

test.each([
  ['registration', () => [workflowId, runId]],
  ['attempt on the taken address', () => [workflowId]],
  ['account notice', () => [noticeWorkflowId]],
])('the stored history of the %s holds no password, token or e-mail address', async (_flow, id) => {
  const history = await rawClient.workflow.getHandle(...(id() as [string, string?])).fetchHistory();
  const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
  expect(history.events?.length).toBeGreaterThan(3);
  for (const [name, secret] of Object.entries(secrets())) {
    expect({ name, found: bytes.includes(Buffer.from(secret)) }).toEqual({ name, found: false });
    expect({ name, found: bytes.includes(Buffer.from(Buffer.from(secret).toString('base64'))) }).toEqual({
      name,
      found: false,
    });
  }
  expect(holdsCode(bytes.toString('latin1'))).toBe(false);
  // Every payload is ciphertext.
  const started = history.events![0].workflowExecutionStartedEventAttributes!;
  const encoding = Buffer.from(started.input!.payloads![0].metadata!.encoding).toString();
  expect(encoding).toBe('binary/encrypted');
});

test('with the codec, the same history decodes to the registration input', async () => {
  const history = await rawClient.workflow.getHandle(workflowId, runId).fetchHistory();
  const payload = history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
  const asJson = {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(payload.data!).toString('base64'),
  };
  const unauthorised = await client.api('POST', '/codec/decode', { json: { payloads: [asJson] } });
  expect(unauthorised.status).toBe(401);

  const decoded = await client.api('POST', '/codec/decode', {
    json: { payloads: [asJson] },
    headers: { authorization: 'Bearer secrets-codec' },
  });
  expect(decoded.status).toBe(200);
  const input = JSON.parse(Buffer.from(decoded.body.payloads[0].data, 'base64').toString());
  expect(input).toMatchObject({
    email: user.email.toLowerCase(),
    loginName: user.loginName,
    passwordHash: expect.stringMatching(/^\$argon2id\$/),
  });

  // The token in the URL, where the Web UI's settings showed it to anyone, opens nothing.
  const inPath = await client.api('POST', '/codec/secrets-codec/decode', { json: { payloads: [asJson] } });
  expect(inPath.status).toBe(404);
  expect(JSON.stringify(inPath.body)).not.toContain(asJson.data);
});

test('the codec answers the Web UI’s CORS preflight', async () => {
  const res = await fetch(`${app.baseUrl}/codec/decode`, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://localhost:8233',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    },
  });
  expect(res.status).toBeLessThan(300);
  expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
  expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
});

test('the logs of the API and the worker hold no password, token or e-mail address', async () => {
  const logs = readFileSync(app.api.spec.logFile!, 'utf8') + readFileSync(app.worker.spec.logFile!, 'utf8');
  expect(logs).toMatch(/request completed/); // the request log is there…
  expect(logs).toMatch(/\/api\/users\/activate\/\[redacted\]/); // …with the token cut out of the URL…
  const activationStatuses = logs
    .split('\n')
    .filter((line) => line.includes('/api/users/activate/[redacted]') && line.includes('request completed'))
    .map((line) => JSON.parse(line).res.statusCode);
  expect(activationStatuses).toContain(200); // …and the status each request got
  for (const [name, secret] of Object.entries(secrets())) {
    expect({ name, found: logs.includes(secret) }).toEqual({ name, found: false });
  }
  expect(holdsCode(logs)).toBe(false);
});

test('MongoDB (every collection) and Redis (every key and value) hold neither the password, the token nor the code', async () => {
  const db = await mongoose.createConnection(app.env.MONGODB_URI!).asPromise();
  try {
    const collections = await db.db!.listCollections().toArray();
    expect(collections.map((c) => c.name)).toEqual(expect.arrayContaining(['users', 'messages', 'confirms']));
    for (const { name } of collections) {
      const dump = JSON.stringify(await db.db!.collection(name).find().toArray());
      const found = { password: dump.includes(user.password), attempt: dump.includes(attempt.password) };
      expect({ name, ...found, token: dump.includes(token), code: holdsCode(dump) }).toEqual({
        name,
        password: false,
        attempt: false,
        token: false,
        code: false,
      });
    }
  } finally {
    await db.close();
  }

  const redis = new Redis(process.env.REDIS_URL!);
  try {
    const keys = await redis.keys('*');
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      const type = await redis.type(key);
      const value =
        type === 'string'
          ? await redis.get(key)
          : type === 'hash'
            ? JSON.stringify(await redis.hgetall(key))
            : JSON.stringify(await redis.dump(key));
      for (const text of [key, value ?? '']) {
        const found = { password: text.includes(user.password), attempt: text.includes(attempt.password) };
        expect({ key, ...found, token: text.includes(token), code: holdsCode(text) }).toEqual({
          key,
          password: false,
          attempt: false,
          token: false,
          code: false,
        });
      }
    }
  } finally {
    redis.disconnect();
  }
});
