/**
 * How failures become answers (api/errors.ts, api/services/temporal-errors.ts): every error is
 * `{"error": {"code", "message"}}`; a workflow's refusal keeps its stable code (409, 410); a body that is
 * too large or not JSON is 413 / 400; a dependency that is down is 503 with Retry-After, never a 500;
 * only the unexpected is 500, and its answer tells nothing of the cause.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { NextFunction, Request, Response } from 'express';
import { errorHandler, HttpError, notFound } from '../../api/errors';
import { tokenInvalid, toHttpError } from '../../api/services/temporal-errors';

/** The answer `errorHandler` gives to `err`: status, headers and body. */
function answer(err: unknown) {
  const sent: { status?: number; headers: Record<string, string>; body?: any } = { headers: {} };
  const res = {
    status(code: number) {
      sent.status = code;
      return res;
    },
    set(headers: Record<string, string>) {
      Object.assign(sent.headers, headers);
      return res;
    },
    json(body: unknown) {
      sent.body = body;
      return res;
    },
  };
  const logged: unknown[] = [];
  const log = { warn: (...args: unknown[]) => logged.push(args), error: (...args: unknown[]) => logged.push(args) };
  errorHandler(err, { log } as unknown as Request, res as unknown as Response, (() => undefined) as NextFunction);
  return { ...sent, logged };
}

const named = (name: string, message = 'boom') => Object.assign(new Error(message), { name });

describe('errorHandler', () => {
  it('answers an HttpError with its status, code, message and headers', () => {
    const { status, headers, body } = answer(
      new HttpError(429, 'RATE_LIMITED', 'Too many requests. Try again in 7 s.', { 'Retry-After': '7' }),
    );
    expect(status).toBe(429);
    expect(headers).toEqual({ 'Retry-After': '7' });
    expect(body).toEqual({ error: { code: 'RATE_LIMITED', message: 'Too many requests. Try again in 7 s.' } });
  });

  it('answers a body over the limit with 413 PAYLOAD_TOO_LARGE', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413 });
    expect(answer(tooLarge)).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
  });

  it('answers a body that is not JSON with 400 MALFORMED_JSON', () => {
    const malformed = Object.assign(new SyntaxError('Unexpected token } in JSON'), {
      type: 'entity.parse.failed',
      status: 400,
    });
    expect(answer(malformed)).toMatchObject({ status: 400, body: { error: { code: 'MALFORMED_JSON' } } });
  });

  it.each([
    ['Temporal unreachable', named('ServiceError')],
    ['an update that timed out', named('WorkflowUpdateRPCTimeoutOrCancelledError')],
    ['no MongoDB server', named('MongoServerSelectionError')],
    ['no MongoDB server (mongoose)', named('MongooseServerSelectionError')],
    ['a MongoDB network error', named('MongoNetworkError')],
    ['a MongoDB network timeout', named('MongoNetworkTimeoutError')],
    ['Redis retries exhausted', named('MaxRetriesPerRequestError')],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' })],
    ['mongoose buffering', new Error('Operation `users.findOne()` buffering timed out after 10000ms')],
    [
      "Temporal's status rethrown as it came (update-with-start while the workflow task fails)",
      Object.assign(new Error('9 FAILED_PRECONDITION: Workflow Task in failed state'), {
        code: 9,
        details: 'Workflow Task in failed state',
        metadata: {},
      }),
    ],
  ])('answers %s with 503 DEPENDENCY_UNAVAILABLE and Retry-After', (_case, err) => {
    const { status, headers, body, logged } = answer(err);
    expect(status).toBe(503);
    expect(headers['Retry-After']).toMatch(/^\d+$/);
    expect(body.error.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(body.error.message).not.toContain(err.message);
    expect(logged).toHaveLength(1);
  });

  it('answers another client error of Express with its status, and its message only if it may be shown', () => {
    const shown = Object.assign(new Error('request aborted'), { status: 400, expose: true });
    const hidden = Object.assign(new Error('internal detail'), { status: 400, expose: false });
    expect(answer(shown)).toMatchObject({
      status: 400,
      body: { error: { code: 'BAD_REQUEST', message: 'request aborted' } },
    });
    expect(answer(hidden)).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    expect(answer(hidden).body.error.message).not.toContain('internal detail');
  });

  it.each([
    ['an Error', new Error('Cannot read properties of undefined (reading "email") at alice@example.com')],
    ['a thrown string', 'something odd'],
    ['null', null],
    ['a server error status', Object.assign(new Error('upstream said no'), { status: 502 })],
  ])('answers %s with 500 INTERNAL, logs it, and shows nothing of it', (_case, err) => {
    const { status, body, logged } = answer(err);
    expect(status).toBe(500);
    expect(body.error.code).toBe('INTERNAL');
    expect(JSON.stringify(body)).not.toMatch(/undefined|alice|odd|upstream/);
    expect(logged).toHaveLength(1);
  });

  it('answers an unknown route with 404 NOT_FOUND naming it', () => {
    let passed: unknown;
    void notFound({ method: 'GET', path: '/api/nope' } as Request, {} as Response, (err?: unknown) => {
      passed = err;
    });
    expect(answer(passed)).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'No route for GET /api/nope' } },
    });
  });
});

describe("toHttpError: a workflow's answer to an update", () => {
  const refused = (type: string, message: string) =>
    new WorkflowUpdateFailedError(
      'Workflow Update failed',
      ApplicationFailure.create({ type, message, nonRetryable: true }),
    );

  it.each([
    ['EMAIL_TAKEN', 409],
    ['LOGIN_NAME_TAKEN', 409],
    ['REGISTRATION_CLOSING', 409],
    ['TOKEN_INVALID', 410],
    ['REGISTRATION_FAILED', 503],
    ['ACTIVATION_FAILED', 503],
  ])("%s becomes %i with the same code and the workflow's message", (type, status) => {
    const error = toHttpError(refused(type, `the ${type} message`));
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status, code: type, message: `the ${type} message` });
  });

  it.each([
    ['REGISTRATION_FAILED', undefined],
    ['ACTIVATION_FAILED', 'ACTIVATION_FAILED'],
  ] as const)(
    'a step that failed for another reason (a database error past its retries) is 503 %s with Retry-After, never a 500',
    (code, whenFailed) => {
      const error = toHttpError(
        refused('MongoServerSelectionError', 'connect ECONNREFUSED 10.0.0.7:27017'),
        whenFailed,
      );
      expect(error).toMatchObject({ status: 503, code, headers: { 'Retry-After': '5' } });
      expect((error as HttpError).message).not.toContain('10.0.0.7');
    },
  );

  it('a workflow that no longer exists (an expired registration) is 410 TOKEN_INVALID', () => {
    const error = toHttpError(new WorkflowNotFoundError('not found', 'registration-1', undefined));
    expect(error).toMatchObject({ status: 410, code: 'TOKEN_INVALID' });
    expect(error).toEqual(tokenInvalid());
  });

  it('anything else is left as it is, for errorHandler to classify', () => {
    const down = named('ServiceError');
    expect(toHttpError(down)).toBe(down);
    expect(answer(toHttpError(down)).status).toBe(503);
  });
});
