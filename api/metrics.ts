import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { MAIL_EVENT_PROVIDERS, MAIL_EVENT_TYPES } from '../domain/mail-events';
import { REFUSAL_REASONS } from './webhooks/types';
import { MAIL_OUTCOMES } from '../domain/mail-outcomes';

/** Label of a request that matched no route: its raw path could hold anything (a token, an address). */
export const UNMATCHED_ROUTE = '(unmatched)';

/** The rate-limit budgets of the API (api/services/index.ts), the `limiter` label of refusals. */
export const LIMITERS = [
  'register-ip',
  'resend-ip',
  'activation-resend-account',
  'activation-resend-address-cap',
  'activation-code-ip',
  'activation-code-address',
  'admin-login-ip',
  'attempt-status-ip',
] as const;
export type LimiterName = (typeof LIMITERS)[number];

/**
 * The API's Prometheus metrics, in a registry of their own (served by api/metrics-server.ts, never on
 * the public port). Labels are route patterns, statuses and fixed names only: never a token, an
 * address or an id.
 */
export function createApiMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const metrics = {
    registry,
    httpRequests: new Histogram({
      name: 'reliable_signup_http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern and status: latency in seconds (the _count is the request count)',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    registrations: new Counter({
      name: 'reliable_signup_registrations_total',
      help: 'Registrations accepted (201): the user is saved and the activation mail is on its way',
      registers,
    }),
    activations: new Counter({
      name: 'reliable_signup_activations_total',
      help: 'Accounts activated through their link',
      registers,
    }),
    activationResends: new Counter({
      name: 'reliable_signup_activation_resends_total',
      help: "Users' requests for a new activation mail that passed the rate limits (202), known address or not",
      registers,
    }),
    operatorResends: new Counter({
      name: 'reliable_signup_operator_resends_total',
      help: 'DEAD messages an operator resent, by endpoint (one message, or resend-dead)',
      labelNames: ['via'] as const,
      registers,
    }),
    mailOutcomes: new Counter({
      name: 'reliable_signup_mail_outcomes_total',
      help:
        "Providers' reports applied to the flow, by what they did: hard-bounce, soft-bounces-as-hard, complaint, " +
        'soft-bounce, delay, delivery',
      labelNames: ['outcome'] as const,
      registers,
    }),
    rateLimited: new Counter({
      name: 'reliable_signup_rate_limited_total',
      help: 'Requests refused with 429, by the limit that refused them',
      labelNames: ['limiter'] as const,
      registers,
    }),
    mailEvents: new Counter({
      name: 'reliable_signup_mail_events_total',
      help: 'Verified provider events about sent mail, by provider, type (bounce, complaint, delivery, delay) and outcome (recorded, duplicate, unknown-message)',
      labelNames: ['provider', 'type', 'outcome'] as const,
      registers,
    }),
    mailEventRefusals: new Counter({
      name: 'reliable_signup_mail_event_refusals_total',
      help: 'Posts to the mail-event webhooks refused, by provider and reason (signature, stale, replay, off, too-large, …); nothing of them recorded',
      labelNames: ['provider', 'reason'] as const,
      registers,
    }),
  };
  // Every series exists from the start, at 0, so that rate() and increase() see the first refusal or resend.
  for (const limiter of LIMITERS) metrics.rateLimited.inc({ limiter }, 0);
  for (const provider of MAIL_EVENT_PROVIDERS) {
    for (const reason of REFUSAL_REASONS) metrics.mailEventRefusals.inc({ provider, reason }, 0);
    for (const type of MAIL_EVENT_TYPES)
      for (const outcome of ['recorded', 'duplicate', 'unknown-message'])
        metrics.mailEvents.inc({ provider, type, outcome }, 0);
  }
  for (const via of ['message', 'resend-dead']) metrics.operatorResends.inc({ via }, 0);
  for (const outcome of MAIL_OUTCOMES) metrics.mailOutcomes.inc({ outcome }, 0);
  return metrics;
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;

/** Times every request and labels it by the pattern of the route that answered it (`/api/users/activate/:token`). */
export function requestMetrics(histogram: ApiMetrics['httpRequests']): RequestHandler {
  return (req, res, next) => {
    const end = histogram.startTimer();
    res.once('finish', () => {
      const pattern = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof pattern === 'string' ? `${req.baseUrl}${pattern}` : UNMATCHED_ROUTE;
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
