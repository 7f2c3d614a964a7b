import type { Attributes, Context, Link } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { scrubText } from '../logger';

/** Attributes that hold a URL or its path: their query string can hold an address, so it is dropped. */
const URL_ATTRIBUTES = new Set(['http.url', 'http.target', 'url.full', 'url.path', 'url.query', 'http.route']);

function scrubValue(key: string, value: unknown): unknown {
  if (typeof value === 'string') {
    if (key === 'url.query') return '';
    return scrubText(URL_ATTRIBUTES.has(key) ? value.replace(/\?.*$/s, '') : value);
  }
  if (Array.isArray(value)) return value.map((v: unknown) => (typeof v === 'string' ? scrubText(v) : v));
  return value;
}

export function scrubAttributes(attributes: Attributes | undefined): Attributes {
  return Object.fromEntries(Object.entries(attributes ?? {}).map(([k, v]) => [k, scrubValue(k, v)]));
}

function scrubLink(link: Link): Link {
  return { ...link, attributes: scrubAttributes(link.attributes) };
}

/** A copy of the span with every text attribute scrubbed: e-mail addresses masked, tokens in URLs redacted. */
export function redactedSpan(span: ReadableSpan): ReadableSpan {
  return {
    name: scrubText(span.name),
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status.message ? { ...span.status, message: scrubText(span.status.message) } : span.status,
    attributes: scrubAttributes(span.attributes),
    links: span.links.map(scrubLink),
    events: span.events.map((e) => ({ ...e, attributes: scrubAttributes(e.attributes) })),
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/**
 * Hands every ended span on with its texts scrubbed, as the logs are: the last line of defence behind
 * the instrumentations' own settings (statements reduced to their shape, Redis commands to their name),
 * for what an instrumentation records that nobody chose (a URL, an exception's message).
 */
export class RedactingSpanProcessor implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}
  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }
  onEnd(span: ReadableSpan): void {
    this.next.onEnd(redactedSpan(span));
  }
  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}
