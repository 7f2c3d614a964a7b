import type { Router } from 'express';
import { routerWithStrictPaths } from '../router';
import { requireAdmin } from '../auth';
import { clientKey, perClientIp } from '../rate-limits';
import { registerBody, resendActivationBody, tokenParams, userByEmailQuery, userIdParams } from '../schemas';
import type { Services } from '../services';
import { validate, validated } from '../validate';
import { activationPage } from '../views/activation-page';

export function usersRouter(
  deps: Pick<Services, 'registration' | 'activation' | 'users' | 'limits'> & { adminToken: string },
): Router {
  const router = routerWithStrictPaths();

  router.post(
    '/api/users/register',
    perClientIp(deps.limits.register),
    validate('body', registerBody),
    async (_req, res) => {
      res.status(202).json(await deps.registration.register(validated(res, 'body', registerBody)));
    },
  );

  router.get('/api/users/activate/:token', validate('params', tokenParams), async (req, res) => {
    const wantsHtml = req.accepts(['application/json', 'text/html']) === 'text/html';
    try {
      const activated = await deps.activation.activate(validated(res, 'params', tokenParams).token);
      if (wantsHtml) res.status(200).type('html').send(activationPage(true));
      else res.json(activated);
    } catch (err) {
      if (wantsHtml && (err as { status?: number }).status === 410)
        res.status(410).type('html').send(activationPage(false));
      else throw err;
    }
  });

  router.post(
    '/api/users/activation/resend',
    perClientIp(deps.limits.resend),
    validate('body', resendActivationBody),
    async (req, res) => {
      const { email } = validated(res, 'body', resendActivationBody);
      res.status(202).json(await deps.activation.resendActivation(email, clientKey(req)));
    },
  );

  // A user's e-mail and login name are personal data: operators only.
  router.get('/api/users', requireAdmin(deps.adminToken), validate('query', userByEmailQuery), async (_req, res) => {
    res.json(await deps.users.findByEmail(validated(res, 'query', userByEmailQuery).email));
  });

  router.get(
    '/api/users/:userId',
    requireAdmin(deps.adminToken),
    validate('params', userIdParams),
    async (_req, res) => {
      res.json(await deps.users.get(validated(res, 'params', userIdParams).userId));
    },
  );

  return router;
}
