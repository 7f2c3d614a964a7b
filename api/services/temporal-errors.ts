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
export function toHttpError(err: unknown): unknown {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type) {
    const status = statusByType[err.cause.type];
    if (status) return new HttpError(status, err.cause.type, err.cause.message);
  }
  if (err instanceof WorkflowNotFoundError) return tokenInvalid();
  return err;
}
