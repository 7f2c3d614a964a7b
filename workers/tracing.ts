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

/** The workflows' part of a trace, in every workflow bundle (workflows/tracing.ts). */
export const WORKFLOW_TRACING_INTERCEPTORS = require.resolve('../workflows/tracing');

/**
 * Where the workflows' spans go: the process's span processor while tracing, nowhere otherwise. A
 * workflow called by a traced API makes spans whether or not this worker exports them, so the sink it
 * hands them to is always there.
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
