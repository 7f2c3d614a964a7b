/**
 * The workflows' part of a trace. A workflow called by a traced caller (its start, update or signal
 * carries the `_tracer-data` header Temporal's OpenTelemetry client interceptor sets) records the
 * `workflow-spans` patch and runs under Temporal's own workflow interceptors: a span for the run, each
 * update, signal and query, and each activity and local activity it schedules, handed to the worker's
 * `exporter` sink.
 *
 * Those interceptors resolve an activity's result a few promise steps later than the workflow alone
 * would, so a history recorded without them may not replay with them. A workflow without the patch
 * (started before it, or by an untraced caller) therefore keeps the older behaviour: it only copies the
 * caller's header onto the activities and child workflows it schedules, where the worker's activity
 * interceptor continues the trace, and records no span of its own.
 */
import { defaultPayloadConverter, type Headers, type Payload } from '@temporalio/common';
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import { patched, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

const TRACE_HEADER = '_tracer-data';
export const WORKFLOW_SPANS = 'workflow-spans';

/** Whether a call carries a trace: a W3C `traceparent` in the header the client interceptor sets. */
function carriesTrace(headers: Headers): boolean {
  const header = headers[TRACE_HEADER];
  if (!header) return false;
  try {
    const carrier = defaultPayloadConverter.fromPayload<Record<string, unknown>>(header);
    return typeof carrier?.traceparent === 'string';
  } catch {
    return false;
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => {
  // Per workflow execution: the factory runs once for each.
  const spans = { inbound: new OpenTelemetryInboundInterceptor(), outbound: new OpenTelemetryOutboundInterceptor() };
  let traced: boolean | undefined;
  /**
   * Decided once, by the first start, update or signal the execution handles (the same one on every
   * replay). Validators and queries never decide: they may not record a command.
   */
  const decide = (headers: Headers) => (traced ??= carriesTrace(headers) && patched(WORKFLOW_SPANS));

  let lastCallerContext: Payload | undefined;
  const remember = (headers: Headers) => {
    if (headers[TRACE_HEADER]) lastCallerContext = headers[TRACE_HEADER];
  };
  const carry = <T extends { headers: Headers }>(input: T): T =>
    lastCallerContext && !input.headers[TRACE_HEADER]
      ? { ...input, headers: { ...input.headers, [TRACE_HEADER]: lastCallerContext } }
      : input;

  return {
    inbound: [
      {
        execute: (input, next) => {
          remember(input.headers);
          return decide(input.headers) ? spans.inbound.execute(input, next) : next(input);
        },
        handleUpdate: (input, next) => {
          remember(input.headers);
          return decide(input.headers) ? spans.inbound.handleUpdate(input, next) : next(input);
        },
        handleSignal: (input, next) => {
          remember(input.headers);
          return decide(input.headers) ? spans.inbound.handleSignal(input, next) : next(input);
        },
        validateUpdate: (input, next) => (traced ? spans.inbound.validateUpdate(input, next) : next(input)),
        handleQuery: (input, next) => (traced ? spans.inbound.handleQuery(input, next) : next(input)),
      },
    ],
    outbound: [
      {
        scheduleActivity: (input, next) => (traced ? spans.outbound.scheduleActivity(input, next) : next(carry(input))),
        scheduleLocalActivity: (input, next) =>
          traced ? spans.outbound.scheduleLocalActivity(input, next) : next(carry(input)),
        startChildWorkflowExecution: (input, next) =>
          traced ? spans.outbound.startChildWorkflowExecution(input, next) : next(carry(input)),
        signalWorkflow: (input, next) => (traced ? spans.outbound.signalWorkflow(input, next) : next(input)),
        continueAsNew: (input, next) => (traced ? spans.outbound.continueAsNew(input, next) : next(input)),
        getLogAttributes: (input, next) => (traced ? spans.outbound.getLogAttributes(input, next) : next(input)),
      },
    ],
    internals: [new OpenTelemetryInternalsInterceptor()],
  };
};
