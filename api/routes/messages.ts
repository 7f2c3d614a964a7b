import { Router } from 'express';
import { requireAdmin } from '../auth';
import { messageKeyParams, messagesQuery, resendDeadQuery } from '../schemas';
import type { createMessageService } from '../services/messages';
import { validate } from '../validate';

/** The reliable-message audit trail and resends, for operators. */
export function messagesRouter(deps: {
  adminToken: string;
  messages: ReturnType<typeof createMessageService>;
}): Router {
  const router = Router();
  router.use('/api/messages', requireAdmin(deps.adminToken));

  router.get('/api/messages', validate('query', messagesQuery), async (_req, res) => {
    res.json(await deps.messages.list(res.locals.query));
  });

  router.post('/api/messages/resend-dead', validate('query', resendDeadQuery), async (_req, res) => {
    res.status(202).json(await deps.messages.resendDead(res.locals.query));
  });

  router.get('/api/messages/:messageKey', validate('params', messageKeyParams), async (_req, res) => {
    res.json(await deps.messages.get(res.locals.params.messageKey));
  });

  router.post('/api/messages/:messageKey/resend', validate('params', messageKeyParams), async (_req, res) => {
    res.status(202).json(await deps.messages.resend(res.locals.params.messageKey));
  });

  return router;
}
