import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { HttpError } from '../errors';

const statusByType: Record<string, number> = {
  EMAIL_TAKEN: 409,
  LOGIN_NAME_TAKEN: 409,
  REGISTRATION_CLOSING: 409,
  TOKEN_INVALID: 410,
  REGISTRATION_FAILED: 503,
  ACTIVATION_FAILED: 503,
};

/** An activation link that is unknown, expired or used: the API's answer and the workflow's alike. */
export const tokenInvalid = () =>
  new HttpError(410, 'TOKEN_INVALID', 'This activation link is unknown, expired or already used.');

/** Turns a workflow's answer to an update (an ApplicationFailure with a stable type) into an HTTP error. */
export function toHttpError(
  err: unknown,
  whenFailed: 'REGISTRATION_FAILED' | 'ACTIVATION_FAILED' = 'REGISTRATION_FAILED',
): unknown {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type) {
    const status = statusByType[err.cause.type];
    if (status) return new HttpError(status, err.cause.type, err.cause.message);
    // Any other failure of a step (a database error that outlasted its retries, say): nothing was
    // saved for good, and the client may try again.
    return new HttpError(503, whenFailed, 'This could not be completed now. Try again later.', { 'Retry-After': '5' });
  }
  if (err instanceof WorkflowNotFoundError) return tokenInvalid();
  return err;
}
