/**
 * The workflows' part of a trace. A workflow called by a traced caller (its start, update or signal
 * carries a sampled trace in the `_tracer-data` header Temporal's OpenTelemetry client interceptor
 * sets) records the `workflow-spans` patch and runs under Temporal's own workflow interceptors: a span
 * for the run, each update, signal and query, and each activity and local activity it schedules, handed
 * to the worker's `exporter` sink.
 *
 * Those interceptors resolve an activity's result a few promise steps later than the workflow alone
 * would, so a history recorded without them may not replay with them. A workflow without the patch
 * (started before it, or by an untraced or unsampled caller) therefore keeps the older behaviour: it
 * only copies the caller's header onto the activities and child workflows it schedules, where the
 * worker's activity interceptor continues the trace, and records no span of its own. */
import { defaultPayloadConverter, type Headers, type Payload } from '@temporalio/common';
import type * as TemporalTracing from '@temporalio/interceptors-opentelemetry/lib/workflow';
import { patched, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

const TRACE_HEADER = '_tracer-data';
export const WORKFLOW_SPANS = 'workflow-spans';

/**
 * Whether a call carries a sampled trace: a W3C `traceparent` with its sampled flag in the header the
 * client interceptor sets. A trace the caller's sampler dropped gets no workflow spans, so it does not
 * pay for them.
 */
function carriesSampledTrace(headers: Headers): boolean {
  const header = headers[TRACE_HEADER];
  if (!header) return false;
  try {
    const { traceparent } = defaultPayloadConverter.fromPayload<{ traceparent?: unknown }>(header) ?? {};
    const flags =
      typeof traceparent === 'string'
        ? /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-([0-9a-f]{2})/.exec(traceparent)?.[1]
        : undefined;
    return flags !== undefined && (parseInt(flags, 16) & 1) === 1;
  } catch {
    return false;
  }
}

/**
 * Temporal's workflow interceptors, loaded by a traced workflow only. The SDK keeps a module cache per
 * workflow, so each workflow that loads OpenTelemetry evaluates all of it afresh: a cost an untraced
 * workflow does not pay (docs/tracing.md).
 */
function temporalTracing() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, see above
  const otel = require('@temporalio/interceptors-opentelemetry/lib/workflow') as typeof TemporalTracing;
  return {
    inbound: new otel.OpenTelemetryInboundInterceptor(),
    outbound: new otel.OpenTelemetryOutboundInterceptor(),
    internals: new otel.OpenTelemetryInternalsInterceptor(),
  };
}

export const interceptors: WorkflowInterceptorsFactory = () => {
  // Per workflow execution: the factory runs once for each.
  let decided = false;
  let spans: ReturnType<typeof temporalTracing> | undefined;
  /**
   * Decided once, by the first start, update or signal the execution handles (the same one on every
   * replay). Validators and queries never decide: they may not record a command.
   */
  const decide = (headers: Headers) => {
    if (!decided && carriesSampledTrace(headers) && patched(WORKFLOW_SPANS)) spans = temporalTracing();
    decided = true;
    return spans;
  };

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
          const traced = decide(input.headers);
          return traced ? traced.inbound.execute(input, next) : next(input);
        },
        handleUpdate: (input, next) => {
          remember(input.headers);
          const traced = decide(input.headers);
          return traced ? traced.inbound.handleUpdate(input, next) : next(input);
        },
        handleSignal: (input, next) => {
          remember(input.headers);
          const traced = decide(input.headers);
          return traced ? traced.inbound.handleSignal(input, next) : next(input);
        },
        validateUpdate: (input, next) => (spans ? spans.inbound.validateUpdate(input, next) : next(input)),
        handleQuery: (input, next) => (spans ? spans.inbound.handleQuery(input, next) : next(input)),
      },
    ],
    outbound: [
      {
        scheduleActivity: (input, next) => (spans ? spans.outbound.scheduleActivity(input, next) : next(carry(input))),
        scheduleLocalActivity: (input, next) =>
          spans ? spans.outbound.scheduleLocalActivity(input, next) : next(carry(input)),
        startChildWorkflowExecution: (input, next) =>
          spans ? spans.outbound.startChildWorkflowExecution(input, next) : next(carry(input)),
        signalWorkflow: (input, next) => (spans ? spans.outbound.signalWorkflow(input, next) : next(input)),
        continueAsNew: (input, next) => (spans ? spans.outbound.continueAsNew(input, next) : next(input)),
        getLogAttributes: (input, next) => (spans ? spans.outbound.getLogAttributes(input, next) : next(input)),
      },
    ],
    internals: [
      {
        dispose: (input, next) => {
          // Temporal's is async, but calls `next` before it could wait for anything.
          if (spans) void spans.internals.dispose(input, next);
          else next(input);
        },
      },
    ],
  };
};
