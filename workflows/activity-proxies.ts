import { proxyLocalActivities } from '@temporalio/workflow';
import type { ProducerActivities } from '../activities';

/*
 * The producer's steps are short database and Redis writes: local activities, run by the worker that
 * runs the workflow, each recorded as one marker event (instead of three events and two round trips).
 */

/** Book-keeping on the `messages` and `confirms` collections (the audit trail) must get through: retried until it does. */
export const bookkeeping = proxyLocalActivities<ProducerActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s' },
});

/** Steps that the workflow takes again one by one when their one attempt fails. */
export const oneAttempt = proxyLocalActivities<ProducerActivities>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 1 },
});

/** The refusals of the user's steps: they fail for good at once, with these types. */
export const REFUSALS = ['EMAIL_TAKEN', 'LOGIN_NAME_TAKEN'];

/**
 * The user's own steps (save the user, issue a token, enable the account): a conflict fails for good at
 * once, anything else is retried for a while, then fails for good and the caller is told.
 */
export const userSteps = proxyLocalActivities<ProducerActivities>({
  startToCloseTimeout: '10s',
  retry: {
    initialInterval: '500ms',
    backoffCoefficient: 2,
    maximumInterval: '10s',
    maximumAttempts: 10,
    nonRetryableErrorTypes: REFUSALS,
  },
});
