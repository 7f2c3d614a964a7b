/** Each real component of the stack is reached and behaves as a server of its kind does. */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import Redis from 'ioredis';
import mongoose, { Schema } from 'mongoose';
import nodemailer from 'nodemailer';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config';
import { User } from '../../domain/models';
import * as components from '../../stack/components';
import { freePort } from '../../stack/ports';
import { ManagedProcess, waitUntilReady } from '../../stack/process';
import { greet } from '../fixtures/timer-workflows';
import { eventually } from '../setup/http';
import { waitForMail } from '../setup/mailbox';

const config = loadConfig();

test('a document written through mongoose is read back from a second connection', async () => {
  const schema = new Schema({ key: { type: String, unique: true }, value: Number });
  const writer = await mongoose.createConnection(config.mongodbUri).asPromise();
  const reader = await mongoose.createConnection(config.mongodbUri).asPromise();
  try {
    const key = randomUUID();
    await writer.model('Probe', schema).create({ key, value: 42 });
    const found = await reader.model('Probe', schema).findOne({ key }).lean();
    expect(found?.value).toBe(42);
  } finally {
    await Promise.all([writer.close(), reader.close()]);
  }
});

test('a lookup by one indexed field equal to a string is an index search, and still finds an array that holds it', async () => {
  const connection = await mongoose.createConnection(config.mongodbUri).asPromise();
  try {
    const probes = connection.collection(`probe_${randomUUID().slice(0, 8)}`);
    await probes.createIndex({ name: 1 }, { unique: true });
    await probes.insertMany([
      ...Array.from({ length: 50 }, (_, i) => ({ name: `n${i}`, n: i })),
      { name: ['n-in-array', 'x'], n: -1 },
    ]);
    expect(await probes.findOne({ name: 'n7' })).toMatchObject({ n: 7 });
    expect(await probes.findOne({ name: 'n-in-array' })).toMatchObject({ n: -1 });
    expect(await probes.countDocuments({ name: 'nobody' })).toBe(0);
    const plan = JSON.stringify(await probes.find({ name: 'n7' }).explain());
    // Against MongoDB the plan is an IXSCAN; against the local FerretDB, its SQLite index search.
    expect(plan).toMatch(/IXSCAN|USING INDEX \S+_name_1/);
  } finally {
    await connection.close();
  }
});

test('a guarded update by _id and status changes only from an allowed status, answers the document as it was, and finds it by index', async () => {
  const connection = await mongoose.createConnection(config.mongodbUri).asPromise();
  try {
    const docs = connection.collection<{ _id: string; status: string; n: number }>(`probe_${randomUUID().slice(0, 8)}`);
    await docs.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: `d${i}`, status: 'SENDING', n: i })));
    const finish = () =>
      docs.findOneAndUpdate(
        { _id: 'd7', status: { $in: ['SENDING'] } },
        { $set: { status: 'FINISHED' } },
        { returnDocument: 'before' },
      );
    expect(await finish()).toEqual({ _id: 'd7', status: 'SENDING', n: 7 });
    expect(await finish()).toBeNull();
    expect(await docs.findOne({ _id: 'd7' })).toMatchObject({ status: 'FINISHED' });
    expect(await docs.countDocuments({ status: 'FINISHED' })).toBe(1);
    const plan = JSON.stringify(await docs.find({ _id: 'd8', status: { $in: ['SENDING'] } }).explain());
    // MongoDB: the _id index; the local FerretDB: an SQLite search of its _id index, not a scan.
    expect(plan).toMatch(/IXSCAN|IDHACK|EXPRESS|USING INDEX \S+_id_/);
  } finally {
    await connection.close();
  }
});

// On MongoDB the lookup is an IXSCAN of this index; FerretDB 1.24's SQLite backend pushes no dotted
// field down and scans (an operator's lookup of an expired registration only).
test('an expired registration is found by the address it released, which the users collection indexes', async () => {
  const connection = await mongoose.createConnection(config.mongodbUri).asPromise();
  try {
    const name = `users_probe_${randomUUID().slice(0, 8)}`;
    await connection.model('ReleasedProbe', User.schema, name).createIndexes();
    const users = connection.collection<{ _id: string }>(name);
    const released = (i: number) => ({ email: `released.${i}@example.test`, loginName: `released_${i}` });
    await users.insertMany(
      Array.from({ length: 50 }, (_, i) => ({
        _id: `u${i}`,
        status: 'EXPIRED',
        released: released(i),
        createdAt: new Date(),
      })),
    );
    const byAddress = { 'released.email': 'released.7@example.test' };
    expect(await users.findOne(byAddress)).toMatchObject({ _id: 'u7' });
    expect((await users.indexes()).map((index) => index.key)).toContainEqual({
      'released.email': 1,
      createdAt: -1,
    });
  } finally {
    await connection.close();
  }
});

test('of inserts of one _id made at once exactly one succeeds, and $addToSet of an equal entry keeps one copy', async () => {
  const connection = await mongoose.createConnection(config.mongodbUri).asPromise();
  try {
    const docs = connection.collection<{ _id: string; trail?: unknown[] }>(`probe_${randomUUID().slice(0, 8)}`);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => docs.insertOne({ _id: 'claim' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect(r.reason).toMatchObject({ code: 11000 });
    }
    const entry = { status: 'FINISHED', at: new Date(), detail: 'x' };
    await docs.updateOne({ _id: 'claim' }, { $addToSet: { trail: entry } });
    await docs.updateOne({ _id: 'claim' }, { $addToSet: { trail: { ...entry } } });
    expect((await docs.findOne({ _id: 'claim' }))?.trail).toEqual([entry]);
  } finally {
    await connection.close();
  }
});

test('a key set in Redis with an expiry is gone after it', async () => {
  const redis = new Redis(config.redis.url);
  try {
    const key = `probe:${randomUUID()}`;
    await redis.set(key, 'v', 'PX', 300);
    expect(await redis.get(key)).toBe('v');
    await new Promise((r) => setTimeout(r, 600));
    expect(await redis.get(key)).toBeNull();
  } finally {
    redis.disconnect();
  }
});

test('a mail sent with nodemailer is read back from the catcher', async () => {
  const transport = nodemailer.createTransport(config.smtpUrl);
  const to = `probe-${randomUUID()}@example.test`;
  await transport.sendMail({ from: config.mailFrom, to, subject: 'Probe', text: 'It arrived.' });
  transport.close();
  const [mail] = await waitForMail(to);
  expect(mail.subject).toBe('Probe');
  expect(mail.text?.trim()).toBe('It arrived.');
});

test('a workflow runs on the dev server and is visible through the client', async () => {
  const taskQueue = `probe-${randomUUID()}`;
  const nativeConnection = await NativeConnection.connect({ address: config.temporal.address });
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  try {
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: config.temporal.namespace,
      taskQueue,
      workflowsPath: require.resolve('../fixtures/timer-workflows'),
    });
    const workflowId = `probe-${randomUUID()}`;
    const result = await worker.runUntil(client.workflow.execute(greet, { taskQueue, workflowId, args: ['stack'] }));
    expect(result).toBe('hello, stack');
    const description = await client.workflow.getHandle(workflowId).describe();
    expect(description.status.name).toBe('COMPLETED');
    expect(description.type).toBe('greet');
  } finally {
    await connection.close();
    await nativeConnection.close();
  }
});

test("the dev server's Web UI is pointed at the API's codec, and the settings it serves to anyone hold no secret", async () => {
  const dataDir = mkdtempSync(join(process.env.TEST_DATA_DIR!, 'temporal-ui-'));
  const [port, uiPort] = [await freePort(), await freePort()];
  const server = components.temporal(port, uiPort, dataDir, components.uiCodecEndpoint('http://localhost:3000'));
  const proc = new ManagedProcess({ ...server.process, logFile: join(dataDir, 'temporal.log') });
  proc.start();
  try {
    await waitUntilReady(proc, server.ready, server.readyTimeoutMs);
    // What anyone who can open the UI reads, without logging in.
    const settings = await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${uiPort}/api/v1/settings`).catch(() => undefined);
      return res?.ok ? await res.text() : undefined;
    }, 'the Web UI');
    expect((JSON.parse(settings) as { Codec: { Endpoint: string } }).Codec.Endpoint).toBe(
      'http://localhost:3000/codec',
    );
    for (const secret of [config.codec.token!, config.adminToken]) expect(settings).not.toContain(secret);
  } finally {
    await proc.stop();
  }
});
