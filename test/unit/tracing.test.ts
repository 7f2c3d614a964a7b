/**
 * What tracing records and when (infra/tracing): on only when an OTLP endpoint is configured, the
 * sampler the standard variable names, MongoDB statements by their shape, and every span's texts
 * scrubbed on their way out, as the logs are.
 */
import { SpanKind } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { tracingConfigured } from '../../infra/tracing';
import { redactedSpan } from '../../infra/tracing/redaction';
import { samplerFromEnv } from '../../infra/tracing/sampler';
import { commandShape } from '../../infra/tracing/statements';
import { linkTo } from '../../infra/tracing/tracer';

const span = (attributes: ReadableSpan['attributes'], name = 'GET'): ReadableSpan => ({
  name,
  kind: SpanKind.SERVER,
  spanContext: () => ({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }),
  startTime: [0, 0],
  endTime: [0, 1],
  status: { code: 0 },
  attributes,
  links: [],
  events: [{ name: 'exception', time: [0, 0], attributes: { 'exception.message': 'no mailbox alice@example.com' } }],
  duration: [0, 1],
  ended: true,
  resource: resourceFromAttributes({}),
  instrumentationScope: { name: 'test' },
  droppedAttributesCount: 0,
  droppedEventsCount: 0,
  droppedLinksCount: 0,
});

describe('tracing', () => {
  it('is off unless an OTLP endpoint is configured, and off again when disabled', () => {
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x', OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
  });

  it('samples as OTEL_TRACES_SAMPLER says, parent-based always-on by default, and refuses an unknown one', () => {
    expect(samplerFromEnv({}).toString()).toMatch(/ParentBased\{root=AlwaysOnSampler/);
    expect(samplerFromEnv({ OTEL_TRACES_SAMPLER: 'always_off' }).toString()).toBe('AlwaysOffSampler');
    expect(
      samplerFromEnv({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }).toString(),
    ).toMatch(/TraceIdRatioBased\{0.25\}/);
    expect(() => samplerFromEnv({ OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(/not a sampler/);
  });

  it('records a MongoDB command by its fields, never their values', () => {
    const shape = commandShape({
      findAndModify: 'users',
      query: { email: 'alice@example.com', status: { $in: ['DISABLED'] } },
      update: { $set: { passwordHash: '$argon2id$v=19$…' } },
    });
    expect(shape).toBe(
      '{"findAndModify":"?","query":{"email":"?","status":{"$in":["?"]}},"update":{"$set":{"passwordHash":"?"}}}',
    );
  });

  it('drops query strings, redacts activation tokens and masks addresses in every text of a span', () => {
    const out = redactedSpan(
      span(
        {
          'http.url': 'http://127.0.0.1/api/users?email=alice%40example.com',
          'http.target': '/api/users/activate/Tok3nTok3nTok3nTok3n',
          'url.query': 'email=alice@example.com',
          'db.statement': 'note for alice@example.com',
        },
        'POST /api/users/activate/Tok3nTok3nTok3nTok3n',
      ),
    );
    expect(out.attributes).toEqual({
      'http.url': 'http://127.0.0.1/api/users',
      'http.target': '/api/users/activate/[redacted]',
      'url.query': '',
      'db.statement': 'note for a***@example.com',
    });
    expect(out.name).toBe('POST /api/users/activate/[redacted]');
    expect(JSON.stringify(out.events)).not.toContain('alice@');
    expect(out.spanContext().traceId).toBe('a'.repeat(32));
  });

  it('links to the span a traceparent names, and to nothing for anything else', () => {
    const [link] = linkTo(`00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`);
    expect(link.context).toMatchObject({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 });
    expect(linkTo('not a traceparent')).toEqual([]);
    expect(linkTo(undefined)).toEqual([]);
  });
});
