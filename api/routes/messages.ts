import { Router } from 'express';
import { requireAdmin } from '../auth';
import { messageKeyParams, messagesQuery } from '../schemas';
import { getMessage, listMessages } from '../services/messages';
import { validate } from '../validate';

/** The reliable-message audit trail, for operators. */
export function messagesRouter(deps: { adminToken: string }): Router {
  const router = Router();
  router.use('/api/messages', requireAdmin(deps.adminToken));

  router.get('/api/messages', validate('query', messagesQuery), async (_req, res) => {
    res.json(await listMessages(res.locals.query));
  });

  router.get('/api/messages/:messageKey', validate('params', messageKeyParams), async (_req, res) => {
    res.json(await getMessage(res.locals.params.messageKey));
  });

  return router;
}
