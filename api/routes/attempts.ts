import type { Request, Response, Router } from 'express';
import { HttpError } from '../errors';
import { clientKey, perClientIp, type Limiter } from '../rate-limits';
import { routerWithStrictPaths } from '../router';
import { attemptParams } from '../schemas';
import type { Attempts } from '../services/attempts';
import { validate, validated } from '../validate';
import { pageLocale, sendPage, sendRenderedPage } from '../views/activation-page';
import { attemptPage } from '../views/attempt-page';
import type { TemplateSet } from '../../infra/templates/template-set';

/**
 * What became of a registration's mail: as JSON (GET /api/registrations/attempts/{attempt}) and as the
 * "check your inbox" page (/signup/sent?attempt=…). One rate limit per client for both.
 */
export function attemptsRouter(deps: {
  attempts: Attempts;
  limits: { attemptStatus: Limiter };
  templates: TemplateSet;
}): Router {
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
      sendRenderedPage(res, attemptPage(deps.templates, pageLocale(deps.templates, req), attempt, view));
    } catch (err) {
      if (!(err instanceof HttpError) || (err.status !== 404 && err.status !== 429)) throw err;
      const page = err.status === 404 ? 'attempt-expired' : 'attempt-limited';
      sendPage(deps.templates, req, res.status(err.status).set(err.headers), page, {});
    }
  });

  return router;
}
