import { ApplicationFailure, type MetricMeter } from '@temporalio/common';
import { SUPPRESSED } from '../domain/delivery';
import { SEND_EMAIL_TAGS } from '../domain/messaging';

/** Metric names, for the alert rules' check (deploy/prometheus/alerts.yml) and the bucket overrides. */
export const DELIVERIES = 'reliable_signup_deliveries_total';
export const DELIVERY_FAILURES = 'reliable_signup_delivery_failures_total';
export const DELIVERY_LATENCY = 'reliable_signup_delivery_latency_ms';
export const SUPPRESSED_SENDS = 'reliable_signup_suppressed_sends_total';

/**
 * Buckets of the request → delivery latency, in ms: a mail normally goes out within a second, a retried
 * one within minutes, a resent DEAD one after hours.
 */
export const DELIVERY_LATENCY_BUCKETS_MS = [
  100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 1_800_000, 3_600_000, 21_600_000, 86_400_000,
];

export type FailureKind = 'retryable' | 'rejected';

/** A handler's failure: `rejected` when it fails for good at once (an SMTP 5xx, say), else `retryable`. */
export function failureKind(err: unknown): FailureKind {
  return err instanceof ApplicationFailure && err.nonRetryable ? 'rejected' : 'retryable';
}

/**
 * What one consumer group's deliveries count, through the Temporal SDK's metric meter: on the worker's
 * one Prometheus endpoint, next to the SDK's own metrics. Labels are the consumer group, the message's
 * tag and the failure kind: never a key, an id or an address.
 */
export function createDeliveryMetrics(meter: MetricMeter, consumerGroup: string) {
  const tags = { consumer_group: consumerGroup };
  const deliveries = meter
    .createCounter(DELIVERIES, '', "Messages a consumer group's handler completed (CID_OPC: mails accepted by SMTP)")
    .withTags(tags);
  const failures = meter
    .createCounter(DELIVERY_FAILURES, '', "Attempts in which a consumer group's handler failed, by kind")
    .withTags(tags);
  const latency = meter
    .createHistogram(
      DELIVERY_LATENCY,
      'int',
      'ms',
      "From the message's confirmation (SENDING, milliseconds after the request) to its handler's completion (CID_OPC: the mail accepted by SMTP), in ms",
    )
    .withTags(tags);
  const suppressed = meter
    .createCounter(
      SUPPRESSED_SENDS,
      '',
      'Mails refused before any SMTP traffic: their address is on the suppression list',
    )
    .withTags(tags);
  // Every series exists from the start, at 0, so that rate() and increase() see the first one.
  for (const tag of SEND_EMAIL_TAGS) {
    deliveries.add(0, { tag });
    suppressed.add(0, { tag });
    for (const kind of ['retryable', 'rejected']) failures.add(0, { tag, kind });
  }
  return {
    delivered(tag: string): void {
      deliveries.add(1, { tag });
    },
    latency(tag: string, ms: number): void {
      latency.record(Math.max(0, Math.round(ms)), { tag });
    },
    failed(tag: string, err: unknown): void {
      failures.add(1, { tag, kind: failureKind(err) });
      if (err instanceof ApplicationFailure && err.type === SUPPRESSED) suppressed.add(1, { tag });
    },
  };
}

export type DeliveryMetrics = ReturnType<typeof createDeliveryMetrics>;
