/** How long one delivery attempt may run; a crashed attempt's claim lapses after the same time. */
export const DELIVERY_ATTEMPT_TIMEOUT_MS = 15_000;

/** The seeds keep a consumer's idempotency key for 10 days. */
export const CONSUMED_MARK_TTL_SECONDS = 10 * 24 * 60 * 60;

export const consumedKey = (consumerGroup: string, messageKey: string) => `consumed:${consumerGroup}:${messageKey}`;
export const claimKey = (consumerGroup: string, messageKey: string) => `claim:${consumerGroup}:${messageKey}`;
