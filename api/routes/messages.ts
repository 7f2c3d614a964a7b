import type { Router } from 'express';
import { routerWithStrictPaths } from '../router';
import { requireAdmin } from '../auth';
import { messageKeyParams, messagesQuery, resendDeadQuery } from '../schemas';
import type { createMessageService } from '../services/messages';
import { validate, validated } from '../validate';

/** The reliable-message audit trail and resends, for operators. */
export function messagesRouter(deps: {
  adminToken: string;
  messages: ReturnType<typeof createMessageService>;
}): Router {
  const router = routerWithStrictPaths();
  router.use('/api/messages', requireAdmin(deps.adminToken));

  router.get('/api/messages', validate('query', messagesQuery), async (_req, res) => {
    res.json(await deps.messages.list(validated(res, 'query', messagesQuery)));
  });

  router.post('/api/messages/resend-dead', validate('query', resendDeadQuery), async (_req, res) => {
    res.status(202).json(await deps.messages.resendDead(validated(res, 'query', resendDeadQuery)));
  });

  router.get('/api/messages/:messageKey', validate('params', messageKeyParams), async (_req, res) => {
    res.json(await deps.messages.get(validated(res, 'params', messageKeyParams).messageKey));
  });

  router.post('/api/messages/:messageKey/resend', validate('params', messageKeyParams), async (_req, res) => {
    res.status(202).json(await deps.messages.resend(validated(res, 'params', messageKeyParams).messageKey));
  });

  return router;
}
