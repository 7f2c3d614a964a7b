import express, { type Router } from 'express';
import { routerWithStrictPaths } from '../router';
import { HttpError } from '../errors';
import { clientKey } from '../rate-limits';
import { resendActivationBody } from '../schemas';
import type { Services } from '../services';
import { sendPage } from '../views/activation-page';
import type { PageName } from '../../infra/templates/catalog';

/**
 * The pages a person reaches from a mail, answered in HTML: the new activation link offered by the page
 * of a link that does not work. Same service, same rate limits, same enumeration-safe answer as
 * POST /api/users/activation/resend.
 */
export function pagesRouter(deps: Pick<Services, 'activation' | 'limits' | 'templates'>): Router {
  const router = routerWithStrictPaths();
  router.post('/activation/resend', express.urlencoded({ extended: false, limit: '2kb' }), async (req, res) => {
    const parsed = resendActivationBody.safeParse({ email: (req.body as { email?: unknown } | undefined)?.email });
    try {
      await deps.limits.resend(clientKey(req));
      if (!parsed.success) return send(req, res, 400, 'resend-invalid');
      await deps.activation.resendActivation(parsed.data.email, clientKey(req));
    } catch (err) {
      if (err instanceof HttpError && err.status === 429) return send(req, res, 429, 'resend-limited', err.headers);
      throw err;
    }
    send(req, res, 202, 'check-inbox');
  });

  const send = (
    req: express.Request,
    res: express.Response,
    status: number,
    page: Extract<PageName, 'check-inbox' | 'resend-invalid' | 'resend-limited'>,
    headers: Record<string, string> = {},
  ) => sendPage(deps.templates, req, res.status(status).set(headers), page, {});
  return router;
}
