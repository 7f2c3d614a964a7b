/**
 * The worker process: the registration and retention workflows and their activities on the main task
 * queue, and one activity worker per consumer group on that group's task queue. At start it registers
 * the search attributes and the retention schedule; SIGTERM / SIGINT let in-flight tasks finish.
 */
// First: the instrumentations patch the modules the imports below load.
import { activityTracing, tracing, WORKFLOW_TRACING_INTERCEPTORS, workflowSpanSinks } from './tracing';
import { Client, Connection } from '@temporalio/client';
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  makeTelemetryFilterString,
  type LogLevel,
} from '@temporalio/worker';
import { createProducerActivities } from '../activities';
import { loadConfig } from '../config';
import { ensureIndexes } from '../domain/models';
import { CONSUMERS } from '../domain/subscriptions';
import { logger } from '../infra/logger';
import { DELIVERY_LATENCY, DELIVERY_LATENCY_BUCKETS_MS } from '../infra/delivery-metrics';
import { createMailer } from '../infra/mailer';
import { configuredTemplates } from '../infra/templates/configured';
import { connectMongo } from '../infra/mongo';
import { createRedis } from '../infra/redis';
import { dataConverter } from '../infra/temporal';
import { createConsumers } from './consumers';
import { startDeadCount } from './dead-count';
import { ensureRetentionSchedule } from './retention-schedule';
import { ensureSearchAttributes } from './search-attributes';
import { workflowCode } from './workflow-bundle';
import { SHUTDOWN_GRACE_MS } from './shutdown';
import { reportUnservedSubscriptions, seedSubscriptions } from './subscriptions';

const pinoLevel: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

async function main(): Promise<void> {
  const config = loadConfig();
  // Before anything connects: a template that cannot render stops the worker here, naming its file and line.
  const templates = configuredTemplates(config);
  Runtime.install({
    // The SDK's own messages go through the same JSON logger; its lifecycle chatter is left out.
    logger: new DefaultLogger('WARN', ({ level, message, meta }) => logger[pinoLevel[level]]({ ...meta }, message)),
    shutdownSignals: ['SIGINT', 'SIGTERM'],
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      // Task latencies, slots and poller counts per task queue, and this project's own metrics (recorded
      // through the runtime's metric meter), on one endpoint for Prometheus to scrape.
      metrics: config.workerMetricsAddress
        ? {
            prometheus: {
              bindAddress: config.workerMetricsAddress,
              histogramBucketOverrides: { [DELIVERY_LATENCY]: DELIVERY_LATENCY_BUCKETS_MS },
            },
          }
        : undefined,
    },
  });
  const mongo = await connectMongo(config.mongodbUri);
  await ensureIndexes();
  await seedSubscriptions(config.temporal.taskQueue);
  const redis = createRedis(config.redis);
  const mailer = createMailer(config.smtpUrl, config.dkim);
  const meter = Runtime.instance().metricMeter;
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const { namespace, taskQueue } = config.temporal;
  const converter = dataConverter(config);
  const clientConnection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection: clientConnection, namespace, dataConverter: converter });
  await ensureSearchAttributes(clientConnection, namespace);
  await ensureRetentionSchedule(client, config);
  await clientConnection.close();

  const code = workflowCode();
  const workers = await Promise.all([
    Worker.create({
      connection,
      namespace,
      taskQueue,
      shutdownGraceTime: SHUTDOWN_GRACE_MS,
      // A registration waits up to a day for its click: keep a bounded number of them in memory and
      // replay the others from history when their click or timer comes.
      maxCachedWorkflows: config.workerMaxCachedWorkflows,
      dataConverter: converter,
      ...code,
      // A worker that bundles the workflows itself adds the interceptors; a built bundle has them.
      interceptors: {
        activity: activityTracing,
        workflowModules: 'workflowsPath' in code ? [WORKFLOW_TRACING_INTERCEPTORS] : [],
      },
      sinks: workflowSpanSinks(),
      activities: createProducerActivities({
        redis,
        tokenSecret: config.activation.tokenSecret,
        codeKey: config.activation.codeKey,
      }),
    }),
    ...createConsumers({ config, redis, mailer, meter, templates }).map((consumer) =>
      Worker.create({
        connection,
        namespace,
        taskQueue: consumer.taskQueue,
        shutdownGraceTime: SHUTDOWN_GRACE_MS,
        dataConverter: converter,
        interceptors: { activity: activityTracing },
        activities: { deliver: consumer.deliver },
      }),
    ),
  ]);
  await reportUnservedSubscriptions(workers.map((w) => w.options.taskQueue));
  const stopDeadCount = config.workerMetricsAddress
    ? startDeadCount(
        meter,
        config.deadCountRefreshSeconds,
        CONSUMERS.map((c) => c.consumerGroup),
      )
    : undefined;
  logger.info({ taskQueues: workers.map((w) => w.options.taskQueue) }, 'worker running');
  await Promise.all(workers.map((w) => w.run()));

  stopDeadCount?.();
  await connection.close();
  mailer.close();
  await Promise.allSettled([redis.quit(), mongo.disconnect(), tracing?.shutdown()]);
  logger.info('worker stopped');
}

main().catch((err) => {
  logger.fatal({ err }, 'worker failed');
  process.exit(1);
});
