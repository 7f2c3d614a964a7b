import { isGrpcServiceError } from '@temporalio/client';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { logger } from '../infra/logger';

/** An error the client caused or should know about: its code is stable, its message is for people. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound: RequestHandler = (req, _res, next) =>
  next(new HttpError(404, 'NOT_FOUND', `No route for ${req.method} ${req.path}`));

/** Errors that mean a dependency (Temporal, MongoDB, Redis) is down or overloaded, not that the request is wrong. */
const DEPENDENCY_ERRORS = new Set([
  'ServiceError',
  'WorkflowUpdateRPCTimeoutOrCancelledError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MaxRetriesPerRequestError',
]);

/** What the errors of Express, body-parser, mongoose and ioredis may carry. */
interface ThrownError {
  type?: string;
  name?: string;
  code?: string;
  message?: string;
  status?: number;
  expose?: boolean;
}

/** Every error becomes `{"error": {"code", "message"}}`; only the unexpected ones are 500 and logged as such. */
export const errorHandler: ErrorRequestHandler = (thrown: unknown, req, res, _next) => {
  const err = (typeof thrown === 'object' && thrown !== null ? thrown : {}) as ThrownError;
  let error: HttpError;
  if (thrown instanceof HttpError) {
    error = thrown;
  } else if (err.type === 'entity.too.large') {
    error = new HttpError(413, 'PAYLOAD_TOO_LARGE', 'The request body is too large.');
  } else if (err.type === 'entity.parse.failed') {
    error = new HttpError(400, 'MALFORMED_JSON', 'The request body is not a valid JSON object.');
  } else if (
    DEPENDENCY_ERRORS.has(err.name ?? '') ||
    // Temporal's own refusal of a call (an update-with-start while the workflow task is failing, say):
    // the client rethrows the server's status as it came.
    isGrpcServiceError(thrown) ||
    err.code === 'ECONNREFUSED' ||
    /buffering timed out/.test(err.message ?? '')
  ) {
    (req.log ?? logger).warn({ err: thrown }, 'a dependency is unavailable');
    error = new HttpError(
      503,
      'DEPENDENCY_UNAVAILABLE',
      'A service this request needs is unavailable. Try again shortly.',
      { 'Retry-After': '5' },
    );
  } else if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
    error = new HttpError(
      err.status,
      'BAD_REQUEST',
      err.expose && err.message ? err.message : 'The request could not be read.',
    );
  } else {
    (req.log ?? logger).error({ err: thrown }, 'unhandled error');
    error = new HttpError(500, 'INTERNAL', 'Something went wrong on our side. Try again later.');
  }
  res
    .status(error.status)
    .set(error.headers)
    .json({ error: { code: error.code, message: error.message } });
};
