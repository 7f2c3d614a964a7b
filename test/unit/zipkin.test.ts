/** The spans `npm start -- --traces` hands to Zipkin (stack/zipkin.ts), in Zipkin's v2 JSON. */
import type { CollectedSpan } from '../../stack/trace-collector';
import { zipkinSpans } from '../../stack/zipkin';

const span = (extra: Partial<CollectedSpan>): CollectedSpan => ({
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  name: 'POST /api/users/register',
  kind: 2,
  service: 'reliable-signup-api',
  startMs: 1_796_313_577_153.25,
  endMs: 1_796_313_577_253.75,
  attributes: { 'http.route': '/api/users/register', 'http.response.status_code': 202 },
  events: [],
  links: [],
  resource: {},
  ...extra,
});

test('a server span: ids, kind, microseconds, service, attributes as string tags', () => {
  expect(zipkinSpans([span({})])).toEqual([
    {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      id: 'b7ad6b7169203331',
      name: 'POST /api/users/register',
      kind: 'SERVER',
      timestamp: 1_796_313_577_153_250,
      duration: 100_500,
      localEndpoint: { serviceName: 'reliable-signup-api' },
      tags: { 'http.route': '/api/users/register', 'http.response.status_code': '202' },
    },
  ]);
});

test('an internal span under a parent, with a link and an event; never a zero duration', () => {
  const [converted] = zipkinSpans([
    span({
      spanId: 'c7ad6b7169203332',
      parentSpanId: 'b7ad6b7169203331',
      kind: 1,
      service: 'reliable-signup-worker',
      endMs: 1_796_313_577_153.25,
      attributes: {},
      events: [{ name: 'exception', attributes: {} }],
      links: [{ traceId: 'ffeeddccbbaa99887766554433221100', spanId: '0011223344556677', attributes: {} }],
    }),
  ]);
  expect(converted.parentId).toBe('b7ad6b7169203331');
  expect(converted.kind).toBeUndefined();
  expect(converted.duration).toBe(1);
  expect(converted.tags).toEqual({ 'link.0': 'ffeeddccbbaa99887766554433221100/0011223344556677' });
  expect(converted.annotations).toEqual([{ timestamp: 1_796_313_577_153_250, value: 'exception' }]);
});
