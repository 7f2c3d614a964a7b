import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerInterceptors } from '@temporalio/worker';
import { startTracing } from '../infra/tracing';

/** The worker's tracing, started as this module loads: before the MongoDB driver, ioredis and nodemailer are. */
export const tracing = startTracing('reliable-signup-worker');

/** The trace context's way from a workflow's callers to its activities, in every workflow bundle. */
export const WORKFLOW_TRACING_INTERCEPTORS = require.resolve('../workflows/trace-propagation');

/** Each activity a span, continuing the trace of the workflow that scheduled it; none while tracing is off. */
export const activityTracing: WorkerInterceptors['activity'] = tracing
  ? [
      (ctx) => ({
        inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
        outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
      }),
    ]
  : [];
