/**
 * Carries the caller's trace context (the `_tracer-data` header Temporal's OpenTelemetry client
 * interceptor sets) from the workflow's start, updates and signals to the activities and child workflows
 * it schedules, where the worker's activity interceptor continues the trace. It only copies a header:
 * no span, no command, nothing a replay compares. Temporal's own workflow interceptors would add the
 * workflow's spans, but they schedule a local activity a step later than the workflow asks for it, and
 * recorded histories no longer replay (test/workflow/replay.test.ts). An activity is traced in the
 * trace of the call that came last before it was scheduled: the registration, or the activation.
 */
import type { Headers, Payload } from '@temporalio/common';
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';

const TRACE_HEADER = '_tracer-data';

export const interceptors: WorkflowInterceptorsFactory = () => {
  // Per workflow execution: the factory runs once for each.
  let current: Payload | undefined;
  const remember = (headers: Headers) => {
    if (headers[TRACE_HEADER]) current = headers[TRACE_HEADER];
  };
  const carry = <T extends { headers: Headers }>(input: T): T =>
    current && !input.headers[TRACE_HEADER]
      ? { ...input, headers: { ...input.headers, [TRACE_HEADER]: current } }
      : input;
  return {
    inbound: [
      {
        execute: (input, next) => {
          remember(input.headers);
          return next(input);
        },
        handleUpdate: (input, next) => {
          remember(input.headers);
          return next(input);
        },
        handleSignal: (input, next) => {
          remember(input.headers);
          return next(input);
        },
      },
    ],
    outbound: [
      {
        scheduleActivity: (input, next) => next(carry(input)),
        scheduleLocalActivity: (input, next) => next(carry(input)),
        startChildWorkflowExecution: (input, next) => next(carry(input)),
      },
    ],
  };
};
