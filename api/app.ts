import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import type { Health } from '../infra/health';
import { logger } from '../infra/logger';
import { errorHandler, notFound } from './errors';
import { healthRouter } from './routes/health';
import { messagesRouter } from './routes/messages';
import { usersRouter } from './routes/users';
import type { Services } from './services';

export interface AppDeps extends Services {
  checkHealth: () => Promise<Health>;
  adminToken: string;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const id = (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
    }),
  );
  app.use(express.json({ limit: '16kb' }));
  app.use(healthRouter(deps.checkHealth));
  app.use(usersRouter(deps));
  app.use(messagesRouter(deps));
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
