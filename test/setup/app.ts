import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { appProcess, builtAppProcess, withDatabase, type AppRole } from '../../stack/apps';
import { freePort } from '../../stack/ports';
import { sleep, type ManagedProcess } from '../../stack/process';

export interface RunningApp {
  baseUrl: string;
  /** The Prometheus endpoints of the API and of the worker (`…/metrics`), each on a port of its own. */
  metricsUrls: { api: string; worker: string };
  worker: ManagedProcess;
  api: ManagedProcess;
  env: NodeJS.ProcessEnv;
  /** Starts a fresh worker process (after the previous one was killed or stopped) and waits until it polls. */
  restartWorker(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The worker and the API as real processes against the test stack, the API on a free port: from the
 * TypeScript sources, or with `builtIn` from an installed build (`<builtIn>/dist`), as production runs.
 */
export async function startApp(
  overrides: NodeJS.ProcessEnv = {},
  opts: { builtIn?: string } = {},
): Promise<RunningApp> {
  const port = await freePort();
  const [apiMetricsPort, workerMetricsPort] = [await freePort(), await freePort()];
  // A database, task queues and Redis keys of its own: no other test file's worker takes its tasks, and no
  // other app spends its rate-limit budgets or sees its tokens.
  // Random, not the process id: jest runs several test files, one after another, in one worker process.
  const id = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const env = {
    ...process.env,
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    MONGODB_URI: withDatabase(process.env.MONGODB_URI!, `rs_${id}`),
    TEMPORAL_TASK_QUEUE: `reliable-signup-${id}`,
    REDIS_KEY_PREFIX: `${id}:`,
    LOG_LEVEL: 'info',
    // Every request of a test comes from 127.0.0.1: only the tests of the limits keep them low.
    RATE_LIMIT_REGISTER_PER_MINUTE: '100000',
    RATE_LIMIT_RESEND_PER_MINUTE: '100000',
    API_METRICS_ADDRESS: `127.0.0.1:${apiMetricsPort}`,
    WORKER_METRICS_ADDRESS: `127.0.0.1:${workerMetricsPort}`,
    ...overrides,
  };
  const logDir = join(process.env.TEST_DATA_DIR!, 'logs');
  const roleProcess = (role: AppRole, logFile: string) =>
    opts.builtIn ? builtAppProcess(opts.builtIn, role, env, logFile) : appProcess(role, env, logFile);
  let restarts = 0;
  const worker = roleProcess('worker', join(logDir, `${id}-worker.log`));
  const api = roleProcess('api', join(logDir, `${id}-api.log`));
  worker.start();
  api.start();
  const baseUrl = `http://127.0.0.1:${port}`;
  const app: RunningApp = {
    baseUrl,
    metricsUrls: {
      api: `http://${env.API_METRICS_ADDRESS}/metrics`,
      worker: `http://${env.WORKER_METRICS_ADDRESS}/metrics`,
    },
    worker,
    api,
    env,
    async restartWorker() {
      await app.worker.stop();
      app.worker = roleProcess('worker', join(logDir, `${id}-worker-${++restarts}.log`));
      app.worker.start();
      await waitForHealth(app);
    },
    async stop() {
      await Promise.all([app.api.stop(), app.worker.stop()]);
    },
  };
  try {
    await waitForHealth(app);
  } catch (err) {
    await app.stop();
    throw err;
  }
  return app;
}

async function waitForHealth(app: RunningApp): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (!app.api.running) throw new Error(`API exited:\n${app.api.logTail()}`);
    if (!app.worker.running) throw new Error(`worker exited:\n${app.worker.logTail()}`);
    try {
      const res = await fetch(`${app.baseUrl}/health`);
      if (res.ok && /worker running/.test(app.worker.logTail(50))) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`the app did not come up:\n${app.api.logTail()}\n${app.worker.logTail()}`);
}
