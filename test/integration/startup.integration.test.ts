/**
 * An orchestrator may start the API before its dependencies: it answers 503 (and its health check says
 * which dependency is down) until they are up, then serves, without a restart.
 */
import { join } from 'node:path';
import { appProcess, withDatabase } from '../../stack/apps';
import { freePort } from '../../stack/ports';
import { waitUntilReady, type ManagedProcess } from '../../stack/process';
import { eventually, request } from '../setup/http';
import { startPrivateServer, type PrivateServer } from '../setup/private-server';

let mongo: PrivateServer;
let temporal: PrivateServer;
const running: ManagedProcess[] = [];

beforeAll(async () => {
  [mongo, temporal] = await Promise.all([
    startPrivateServer('mongodb', { start: false }),
    startPrivateServer('temporal', { start: false }),
  ]);
});
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  await Promise.all([mongo?.stop(), temporal?.stop()]);
});

async function startApi(overrides: NodeJS.ProcessEnv): Promise<string> {
  const port = await freePort();
  const api = appProcess(
    'api',
    {
      ...process.env,
      PORT: String(port),
      LOG_LEVEL: 'info',
      TEMPORAL_TASK_QUEUE: `startup-${port}`,
      REDIS_KEY_PREFIX: `startup-${port}:`,
      ADMIN_TOKEN: 'startup-admin',
      // Each check of /health shows the dependencies as they are now, not as they were a few seconds ago.
      HEALTH_CACHE_SECONDS: '1',
      ...overrides,
    },
    join(process.env.TEST_DATA_DIR!, 'logs', `api-startup-${port}.log`),
  );
  running.push(api);
  api.start();
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilReady(api, () => fetch(`${baseUrl}/health`), 30_000);
  return baseUrl;
}

const admin = { authorization: 'Bearer startup-admin' };
/** GET /health as an operator: which dependency is down is for operators only. */
const health = (baseUrl: string) => request(baseUrl, 'GET', '/health', { headers: admin });

test('started while MongoDB is away, the API answers 503, and serves once MongoDB is up', async () => {
  const baseUrl = await startApi({ MONGODB_URI: withDatabase(mongo.env.MONGODB_URI, 'rs_startup') });

  // The API reaches the servers that are there in the background: wait for them, not MongoDB.
  const down = await eventually(async () => {
    const res = await health(baseUrl);
    return res.body.dependencies.temporal.status === 'up' && res.body.dependencies.redis.status === 'up' && res;
  }, 'the API to reach Temporal and Redis');
  expect(down.status).toBe(503);
  expect(down.body.dependencies).toMatchObject({
    mongodb: { status: 'down' },
    temporal: { status: 'up' },
    redis: { status: 'up' },
  });
  const lookup = await request(baseUrl, 'GET', '/api/users/00000000-0000-4000-8000-000000000000', { headers: admin });
  expect(lookup.status).toBe(503);
  expect(lookup.body.error.code).toBe('DEPENDENCY_UNAVAILABLE');

  await mongo.start();
  await eventually(
    async () => ((await health(baseUrl)).status === 200 ? true : undefined),
    'the API to reach MongoDB',
    30_000,
  );
  const found = await request(baseUrl, 'GET', '/api/users/00000000-0000-4000-8000-000000000000', { headers: admin });
  expect(found.status).toBe(404);
  expect(found.body.error.code).toBe('USER_NOT_FOUND');
});

test('started while Temporal is away, the API answers 503, and serves once Temporal is up', async () => {
  const baseUrl = await startApi({ TEMPORAL_ADDRESS: temporal.env.TEMPORAL_ADDRESS });

  // The API reaches MongoDB in the background: wait for it, not Temporal.
  const down = await eventually(async () => {
    const res = await health(baseUrl);
    return res.body.dependencies.mongodb.status === 'up' && res;
  }, 'the API to reach MongoDB');
  expect(down.status).toBe(503);
  expect(down.body.dependencies).toMatchObject({ temporal: { status: 'down' }, mongodb: { status: 'up' } });
  const register = await request(baseUrl, 'POST', '/api/users/register', {
    json: { loginName: 'early_bird', email: 'early.bird@example.test', password: 'correct horse battery' },
  });
  expect(register.status).toBe(503);
  expect(register.body.error.code).toBe('DEPENDENCY_UNAVAILABLE');

  await temporal.start();
  await eventually(
    async () => ((await health(baseUrl)).status === 200 ? true : undefined),
    'the API to reach Temporal',
    30_000,
  );
});
