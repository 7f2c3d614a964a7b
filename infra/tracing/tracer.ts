import { SpanStatusCode, trace, type Link, type Span, type SpanOptions } from '@opentelemetry/api';

/** The project's own spans (the hash, the SMTP conversation, the activation); no-ops while tracing is off. */
export const tracer = trace.getTracer('reliable-signup');

/** Runs `fn` in a span of its own, which records a failure as its status and ends when `fn` settles. */
export async function inSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, options, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.name ?? 'Error' });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** The W3C `traceparent` of the active span, when one is being recorded. */
export function activeTraceparent(): string | undefined {
  const ctx = trace.getActiveSpan()?.spanContext();
  if (!ctx || !trace.isSpanContextValid(ctx) || !(ctx.traceFlags & 1)) return undefined;
  return `00-${ctx.traceId}-${ctx.spanId}-0${ctx.traceFlags.toString(16)}`;
}

/** The link to the span a `traceparent` names, or nothing for a missing or malformed one. */
export function linkTo(traceparent: unknown): Link[] {
  const m =
    typeof traceparent === 'string' ? /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(traceparent) : null;
  if (!m) return [];
  return [
    {
      context: { traceId: m[1], spanId: m[2], traceFlags: parseInt(m[3], 16), isRemote: true },
      attributes: { 'link.kind': 'registration' },
    },
  ];
}
