import express, { type Router } from 'express';
import { routerWithStrictPaths } from '../router';
import { HttpError } from '../errors';
import { clientKey } from '../rate-limits';
import { resendActivationBody } from '../schemas';
import type { Services } from '../services';
import { resendPage } from '../views/activation-page';

/**
 * The pages a person reaches from a mail, answered in HTML: the new activation link offered by the page
 * of a link that does not work. Same service, same rate limits, same enumeration-safe answer as
 * POST /api/users/activation/resend.
 */
export function pagesRouter(deps: Pick<Services, 'activation' | 'limits'>): Router {
  const router = routerWithStrictPaths();
  router.post('/activation/resend', express.urlencoded({ extended: false, limit: '2kb' }), async (req, res) => {
    const parsed = resendActivationBody.safeParse({ email: (req.body as { email?: unknown } | undefined)?.email });
    try {
      await deps.limits.resend(clientKey(req));
      if (!parsed.success) return send(res, 400, 'invalid');
      await deps.activation.resendActivation(parsed.data.email, clientKey(req));
    } catch (err) {
      if (err instanceof HttpError && err.status === 429) return send(res, 429, 'limited', err.headers);
      throw err;
    }
    send(res, 202, 'accepted');
  });
  return router;
}

function send(
  res: express.Response,
  status: number,
  outcome: Parameters<typeof resendPage>[0],
  headers: Record<string, string> = {},
): void {
  res.status(status).set(headers).type('html').send(resendPage(outcome));
}
