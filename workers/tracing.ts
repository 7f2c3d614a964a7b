import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  type OpenTelemetrySinks,
} from '@temporalio/interceptors-opentelemetry';
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import { startTracing } from '../infra/tracing';
import { WorkflowSpanProcessor } from '../infra/tracing/workflow-spans';

/** The worker's tracing, started as this module loads: before the MongoDB driver, ioredis and nodemailer are. */
export const tracing = startTracing('reliable-signup-worker');

/** The workflow side of Temporal's tracing interceptors, which the workflow bundle always carries. */
export const WORKFLOW_TRACING_INTERCEPTORS =
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/**
 * Where the workflows' spans go: the process's span processor while tracing, nowhere otherwise. The
 * bundle carries the interceptors whether or not the worker traces (it is built before anyone knows),
 * so the sink they call is always there.
 */
export function workflowSpanSinks(): InjectedSinks<OpenTelemetrySinks> {
  if (!tracing) return { exporter: { export: { fn: () => undefined } } };
  // Temporal's interceptors are typed against OpenTelemetry 1.x; the processor and resource are today's.
  const exporter = makeWorkflowExporter(
    new WorkflowSpanProcessor(tracing.spanProcessor) as unknown as Parameters<typeof makeWorkflowExporter>[0],
    tracing.resource as unknown as Parameters<typeof makeWorkflowExporter>[1],
  );
  return { exporter };
}

/** Each activity a span, continuing the trace of the workflow that scheduled it; none while tracing is off. */
export const activityTracing: WorkerInterceptors['activity'] = tracing
  ? [
      (ctx) => ({
        inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
        outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
      }),
    ]
  : [];
