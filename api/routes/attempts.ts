import type { Request, Response, Router } from 'express';
import { HttpError } from '../errors';
import { clientKey, perClientIp, type Limiter } from '../rate-limits';
import { routerWithStrictPaths } from '../router';
import { attemptParams } from '../schemas';
import type { Attempts } from '../services/attempts';
import { validate, validated } from '../validate';
import { attemptPage, attemptProblemPage } from '../views/attempt-page';

/**
 * What became of a registration's mail: as JSON (GET /api/registrations/attempts/{attempt}) and as the
 * "check your inbox" page (/signup/sent?attempt=…). One rate limit per client for both.
 */
export function attemptsRouter(deps: { attempts: Attempts; limits: { attemptStatus: Limiter } }): Router {
  const router = routerWithStrictPaths();

  router.get(
    '/api/registrations/attempts/:attempt',
    perClientIp(deps.limits.attemptStatus),
    validate('params', attemptParams),
    async (_req, res) => {
      res
        .set('Cache-Control', 'no-store')
        .json(await deps.attempts.status(validated(res, 'params', attemptParams).attempt));
    },
  );

  router.get('/signup/sent', async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    const attempt = typeof req.query.attempt === 'string' ? req.query.attempt : '';
    try {
      await deps.limits.attemptStatus(clientKey(req));
      const view = await deps.attempts.status(attempt);
      res.type('html').send(attemptPage(attempt, view));
    } catch (err) {
      if (!(err instanceof HttpError) || (err.status !== 404 && err.status !== 429)) throw err;
      res
        .status(err.status)
        .set(err.headers)
        .type('html')
        .send(attemptProblemPage(err.status === 404 ? 'unknown' : 'limited'));
    }
  });

  return router;
}
