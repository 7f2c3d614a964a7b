/**
 * On SIGTERM the worker stops polling and gives running activities this long to finish before they are
 * cancelled (and retried by Temporal elsewhere). Orchestrators must wait longer than this before SIGKILL.
 */
export const SHUTDOWN_GRACE_MS = 10_000;
