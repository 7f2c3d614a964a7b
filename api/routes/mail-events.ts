import express, { type RequestHandler, type Router } from 'express';
import { MAIL_EVENT_PROVIDERS, type MailEventProvider, type MailEventSink } from '../../domain/mail-events';
import { HttpError } from '../errors';
import type { ApiMetrics } from '../metrics';
import { routerWithStrictPaths } from '../router';
import { WebhookRefusal, type MailEventWebhook } from '../webhooks/types';

/** The largest post taken: an SES notification is at most 256 KB, a delivery report with the returned headers far less. */
export const MAIL_EVENT_BODY_LIMIT = 256 * 1024;

export interface MailEventsDeps {
  webhooks: Partial<Record<MailEventProvider, MailEventWebhook>>;
  sink: MailEventSink;
  metrics: Pick<ApiMetrics, 'mailEvents' | 'mailEventRefusals'>;
}

const isProvider = (name: string): name is MailEventProvider =>
  (MAIL_EVENT_PROVIDERS as readonly string[]).includes(name);

/**
 * POST /webhooks/mail-events/{provider}: a provider's events about sent mail, taken only with that provider's
 * valid signature, each recorded once and handed to the flow that sent the mail (api/services/mail-event-sink.ts).
 * Mounted before the JSON parser: signatures cover the raw bytes.
 */
export function mailEventsRouter(deps: MailEventsDeps): Router {
  const router = routerWithStrictPaths();
  const raw = express.raw({ type: () => true, limit: MAIL_EVENT_BODY_LIMIT });
  const refuse = (provider: MailEventProvider, refusal: WebhookRefusal) => {
    deps.metrics.mailEventRefusals.inc({ provider, reason: refusal.reason });
    return new HttpError(refusal.status, refusal.code, refusal.message);
  };

  const configuredProvider: RequestHandler = (req, res, next) => {
    const name = String(req.params.provider);
    if (!isProvider(name)) return next(new HttpError(404, 'NOT_FOUND', `No mail-event provider ${name}.`));
    if (!deps.webhooks[name])
      return next(refuse(name, new WebhookRefusal('off', `The ${name} webhook is off: its secret is not configured.`)));
    res.locals.provider = name;
    next();
  };
  const rawBody: RequestHandler = (req, res, next) =>
    raw(req, res, (err: unknown) => {
      if ((err as { type?: string } | undefined)?.type === 'entity.too.large')
        return next(
          refuse(res.locals.provider as MailEventProvider, new WebhookRefusal('too-large', 'The body is too large.')),
        );
      next(err);
    });

  router.post('/webhooks/mail-events/:provider', configuredProvider, rawBody, async (req, res, next) => {
    const provider = res.locals.provider as MailEventProvider;
    let events;
    try {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      events = await deps.webhooks[provider]!({ headers: req.headers, body });
    } catch (err) {
      return next(err instanceof WebhookRefusal ? refuse(provider, err) : err);
    }
    const answers = [];
    for (const event of events) {
      const outcome = await deps.sink.accept(event);
      deps.metrics.mailEvents.inc({ provider, type: event.type, outcome });
      answers.push({ eventId: event.eventId, type: event.type, outcome });
    }
    res.status(202).json({ events: answers });
  });

  return router;
}
