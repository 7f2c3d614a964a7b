/** How long one delivery attempt may run; a crashed attempt's claim lapses after the same time. */
export const DELIVERY_ATTEMPT_TIMEOUT_MS = 15_000;

/** paascloud keeps a consumer's idempotency key for 10 days (docs/design.md). */
export const CONSUMED_MARK_TTL_SECONDS = 10 * 24 * 60 * 60;

/**
 * A consumer's idempotency key for one message: while an attempt runs it holds that attempt's lease
 * (expiring with the attempt's timeout), once the message is consumed the CONSUMED mark.
 */
export const idempotencyKey = (consumerGroup: string, messageKey: string) => `consumer:${consumerGroup}:${messageKey}`;
export const CONSUMED_MARK = 'CONSUMED';

/**
 * The consumer group whose delivery finishes a message (moves it to FINISHED): claimed by the first
 * delivery that finds every consumer group's CONSUMED mark, kept as long as the marks.
 */
export const finisherKey = (messageKey: string) => `message-finisher:${messageKey}`;

/**
 * What a delivery did: handled the message now, found it handled by an earlier attempt, or handled it
 * (now or earlier) and, being the last consumer to, moved the message to FINISHED.
 */
export type DeliveryOutcome = 'consumed' | 'already-consumed' | 'finished';

/** The failure type, and the start of the DEAD delivery's error, of a mail refused to a suppressed address. */
export const SUPPRESSED = 'SUPPRESSED';

/** Whether a DEAD delivery's error says its mail was refused because the address is suppressed. */
export const refusedAsSuppressed = (lastError: string | undefined): boolean =>
  lastError?.startsWith(SUPPRESSED) ?? false;
