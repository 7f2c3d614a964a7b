import express, { type Express } from 'express';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import type { TrustProxy } from '../config/trust-proxy';
import type { Health } from '../infra/health';
import { logger, serializeRequest, serializeResponse } from '../infra/logger';
import { errorHandler, notFound } from './errors';
import { requestMetrics, type ApiMetrics } from './metrics';
import { openApiDocument } from './openapi';
import { adminRouter, type AdminConsoleDeps } from './routes/admin';
import { codecRouter, type CodecDeps } from './routes/codec';
import { healthRouter } from './routes/health';
import { mailEventsRouter } from './routes/mail-events';
import { messagesRouter } from './routes/messages';
import { methodNotAllowed } from './method-not-allowed';
import { activationRouter } from './routes/activation';
import { attemptsRouter } from './routes/attempts';
import { suppressionsRouter } from './routes/suppressions';
import { pagesRouter } from './routes/pages';
import { usersRouter } from './routes/users';
import type { Services } from './services';

export interface AppDeps extends Services {
  checkHealth: () => Promise<Health>;
  trustProxy: TrustProxy;
  adminToken: string;
  adminConsole: AdminConsoleDeps['adminConsole'];
  codec: Omit<CodecDeps, 'sessions'>;
  metrics: ApiMetrics;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // A path is routed only as written (see api/router.ts); the routers each say the same for themselves.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.set('trust proxy', deps.trustProxy);
  app.use(requestMetrics(deps.metrics.httpRequests));
  app.use(
    pinoHttp({
      logger,
      serializers: {
        req: serializeRequest,
        // The status only: the response headers say nothing an operator needs, and cost CPU on every request.
        res: serializeResponse,
      },
      genReqId: (req, res) => {
        const id = (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
    }),
  );
  app.use(helmet());
  app.use(methodNotAllowed);
  // The codec takes large payload batches, so it parses its own bodies, before the small default limit.
  app.use(codecRouter({ ...deps.codec, sessions: deps.adminSessions }));
  // The same for the mail-event webhooks: their signatures cover the raw body.
  app.use(mailEventsRouter({ ...deps.mailEvents, metrics: deps.metrics }));
  app.use(express.json({ limit: '16kb' }));
  const openApi = openApiDocument();
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  app.use(healthRouter(deps.checkHealth, deps.adminToken));
  app.use(activationRouter(deps));
  app.use(usersRouter(deps));
  app.use(pagesRouter(deps));
  app.use(attemptsRouter(deps));
  app.use(messagesRouter(deps));
  app.use(suppressionsRouter(deps));
  app.use(adminRouter(deps));
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
