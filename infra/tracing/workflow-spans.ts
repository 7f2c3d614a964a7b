import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

/** A span as the workflow sandbox hands it over (the OpenTelemetry 1.x shape Temporal's interceptors build). */
type WorkflowSpan = ReadableSpan & {
  parentSpanId?: string;
  instrumentationLibrary?: ReadableSpan['instrumentationScope'];
};

/**
 * The processor for the spans workflows end: Temporal's interceptors still hand them over in the 1.x
 * shape (`parentSpanId`, `instrumentationLibrary`), which today's exporters would send without their
 * parent; here they take today's shape on their way to the process's own processor.
 */
export class WorkflowSpanProcessor implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}
  onStart(_span: Span, _parentContext: Context): void {}
  onEnd(span: ReadableSpan): void {
    const old = span as WorkflowSpan;
    const own = span.spanContext();
    const adapted: ReadableSpan = {
      ...span,
      spanContext: () => own,
      parentSpanContext:
        span.parentSpanContext ??
        (old.parentSpanId ? { traceId: own.traceId, spanId: old.parentSpanId, traceFlags: own.traceFlags } : undefined),
      instrumentationScope: span.instrumentationScope ??
        old.instrumentationLibrary ?? { name: '@temporalio/interceptors-opentelemetry' },
    };
    this.next.onEnd(adapted);
  }
  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
