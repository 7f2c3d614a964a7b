import type { Router } from 'express';
import { requireAdmin } from '../auth';
import { routerWithStrictPaths } from '../router';
import { suppressionParams, suppressionsQuery } from '../schemas';
import type { SuppressionService } from '../services/suppressions';
import { validate, validated } from '../validate';

/** The suppression list, for operators: list or look up an address, and lift an entry. */
export function suppressionsRouter(deps: { adminToken: string; suppressions: SuppressionService }): Router {
  const router = routerWithStrictPaths();
  router.use('/api/suppressions', requireAdmin(deps.adminToken));

  router.get('/api/suppressions', validate('query', suppressionsQuery), async (_req, res) => {
    res.json({ items: await deps.suppressions.list(validated(res, 'query', suppressionsQuery).email) });
  });

  router.delete('/api/suppressions/:email', validate('params', suppressionParams), async (_req, res) => {
    res.json(await deps.suppressions.lift(validated(res, 'params', suppressionParams).email));
  });

  return router;
}
