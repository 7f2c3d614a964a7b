import type { Router } from 'express';
import { routerWithStrictPaths } from '../router';
import type { Health } from '../../infra/health';
import { bearerToken, secretMatcher } from '../auth';

/**
 * GET /health: 200 when every dependency answers, 503 otherwise. Anyone gets the status alone; each
 * dependency's state and error are for operators (`Authorization: Bearer <ADMIN_TOKEN>`), as they name
 * servers and addresses.
 */
export function healthRouter(check: () => Promise<Health>, adminToken: string): Router {
  const isOperator = secretMatcher(adminToken);
  return routerWithStrictPaths().get('/health', async (req, res) => {
    const health = await check();
    const shown = isOperator(bearerToken(req.headers.authorization)) ? health : { status: health.status };
    res.status(health.status === 'up' ? 200 : 503).json(shown);
  });
}
