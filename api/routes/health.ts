import type { Router } from 'express';
import { routerWithStrictPaths } from '../router';
import type { Health } from '../../infra/health';

/** GET /health: 200 when every dependency answers, 503 otherwise, with each one's state. */
export function healthRouter(check: () => Promise<Health>): Router {
  return routerWithStrictPaths().get('/health', async (_req, res) => {
    const health = await check();
    res.status(health.status === 'up' ? 200 : 503).json(health);
  });
}
