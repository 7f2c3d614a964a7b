/**
 * The API process: serves HTTP at once, reaching its dependencies as they become available (503 until
 * then, as during an outage), and drains in-flight requests on SIGTERM.
 */
// First: the instrumentations patch the modules the imports below load.
import { tracing } from './tracing';
import { loadConfig } from '../config';
import { checkHealth } from '../infra/health';
import { cachedCheck } from '../infra/health-cache';
import { logger } from '../infra/logger';
import { createMailer } from '../infra/mailer';
import { connectMongoInBackground } from '../infra/mongo';
import { AesGcmPayloadCodec } from '../infra/payload-codec';
import { createRedis } from '../infra/redis';
import { serveMetrics } from '../infra/metrics-server';
import { createTemporalClient } from '../infra/temporal';
import { configuredTemplates } from '../infra/templates/configured';
import { createApp } from './app';
import { createApiMetrics } from './metrics';
import { createServices } from './services';

async function main(): Promise<void> {
  const config = loadConfig();
  // Before anything listens: a template that cannot render stops the API here, naming its file and line.
  const templates = configuredTemplates(config);
  const mongo = connectMongoInBackground(config.mongodbUri, (err) =>
    logger.warn({ err }, 'MongoDB not reachable yet; trying again'),
  );
  const temporal = createTemporalClient(config, { traced: Boolean(tracing) });
  const redis = createRedis(config.redis);
  const mailer = createMailer(config.smtpUrl);
  const metrics = createApiMetrics();
  const metricsServer = config.apiMetricsAddress
    ? await serveMetrics(metrics.registry, config.apiMetricsAddress)
    : undefined;
  if (config.apiMetricsAddress) logger.info({ address: config.apiMetricsAddress }, 'API metrics listening');

  const app = createApp({
    checkHealth: cachedCheck(
      () => checkHealth({ temporal, namespace: config.temporal.namespace, mongo, redis, mailer }),
      config.healthCacheSeconds * 1000,
    ),
    trustProxy: config.trustProxy,
    ...createServices({ client: temporal, redis, config, metrics, templates }),
    metrics,
    adminToken: config.adminToken,
    adminConsole: {
      temporalUiUrl: config.console.temporalUiUrl,
      namespace: config.temporal.namespace,
      secureCookies: config.publicBaseUrl.startsWith('https:'),
    },
    codec: {
      codec: new AesGcmPayloadCodec(config.payloadKeys),
      token: config.codec.token,
      signOn: config.codec.signOn,
      corsOrigins: config.codec.corsOrigins,
    },
  });
  const server = app.listen(config.port, () => logger.info({ port: config.port }, 'API listening'));
  // Idle keep-alive connections outlive those of clients and load balancers (60 s for most), so the API
  // never closes a connection just as a client sends a request on it ("other side closed").
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  const stop = () => {
    logger.info('API stopping: finishing in-flight requests');
    // A connection whose request finishes from now on is closed at once, not kept alive for reuse.
    const closeIdle = setInterval(() => server.closeIdleConnections(), 250);
    metricsServer?.close();
    server.close(() => {
      clearInterval(closeIdle);
      void Promise.allSettled([
        mongo.disconnect(),
        redis.quit(),
        temporal.connection.close(),
        tracing?.shutdown(),
      ]).then(() => {
        mailer.close();
        process.exit(0);
      });
    });
    server.closeIdleConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err) => {
  logger.fatal({ err }, 'API failed to start');
  process.exit(1);
});
