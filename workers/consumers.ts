import type { MetricMeter } from '@temporalio/common';
import type Redis from 'ioredis';
import type { Transporter } from 'nodemailer';
import { createDeliverActivity, type DeliverActivity, type MessageHandler } from '../activities/consumers/delivery';
import { createEventsHandler } from '../activities/consumers/events';
import { createMailHandler, recordSmtpReply } from '../activities/consumers/mail';
import type { Config } from '../config';
import { suppressionOf } from '../domain/suppression-list';
import { createDeliveryMetrics } from '../infra/delivery-metrics';
import type { TemplateSet } from '../infra/templates/template-set';
import { defaultSubscriptions, EVENTS_CONSUMER, MAIL_CONSUMER, type ConsumerGroup } from '../domain/subscriptions';

/** Every consumer group of the registry (domain/subscriptions.ts), with the task queue its deliveries arrive on. */
export function createConsumers(deps: {
  config: Config;
  redis: Redis;
  mailer: Transporter;
  meter: MetricMeter;
  templates: TemplateSet;
}) {
  const { config, redis, mailer, meter } = deps;
  // Typed by the registry: a consumer group without a handler does not compile.
  const handlers: Record<ConsumerGroup, MessageHandler> = {
    [MAIL_CONSUMER]: createMailHandler({
      mailer,
      from: config.mailFrom,
      publicBaseUrl: config.publicBaseUrl,
      tokenSecret: config.activation.tokenSecret,
      tokenTtlSeconds: config.activation.ttlSeconds,
      recordAccepted: recordSmtpReply,
      suppressionOf,
      templates: deps.templates,
    }),
    [EVENTS_CONSUMER]: createEventsHandler(),
  };
  return defaultSubscriptions(config.temporal.taskQueue).map((s): { taskQueue: string; deliver: DeliverActivity } => ({
    taskQueue: s.taskQueue,
    deliver: createDeliverActivity(
      s.consumerGroup,
      handlers[s.consumerGroup],
      redis,
      createDeliveryMetrics(meter, s.consumerGroup),
    ),
  }));
}
