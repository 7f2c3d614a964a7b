import type { Router } from 'express';
import { routerWithStrictPaths } from '../router';
import { requireAdmin } from '../auth';
import { clientKey, perClientIp } from '../rate-limits';
import { registerBody, resendActivationBody, userByEmailQuery, userIdParams } from '../schemas';
import type { Services } from '../services';
import { validate, validated } from '../validate';

export function usersRouter(
  deps: Pick<Services, 'registration' | 'activation' | 'users' | 'limits'> & { adminToken: string },
): Router {
  const router = routerWithStrictPaths();

  router.post(
    '/api/users/register',
    perClientIp(deps.limits.register),
    validate('body', registerBody),
    async (req, res) => {
      const body = validated(res, 'body', registerBody);
      res.status(202).json(await deps.registration.register(body, req.get('accept-language')));
    },
  );

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
