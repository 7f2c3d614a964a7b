/**
 * A small OTLP/HTTP receiver for traces (JSON, as the API's and the worker's exporters send them): the
 * tests' in-memory exporter, `npm start`'s trace file (one OTLP JSON request per line, the format the
 * OpenTelemetry Collector's file exporter writes), and the bench's source for its breakdown.
 */
import { appendFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';

/** One span as the receiver keeps it: ids as hex, times in milliseconds since the epoch, attributes as values. */
export interface CollectedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  service: string;
  startMs: number;
  endMs: number;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
  links: { traceId: string; spanId: string; attributes: Record<string, unknown> }[];
  resource: Record<string, unknown>;
}

interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
  bytesValue?: string;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: OtlpKeyValue[];
  events?: { name: string; attributes?: OtlpKeyValue[] }[];
  links?: { traceId: string; spanId: string; attributes?: OtlpKeyValue[] }[];
}
export interface OtlpTraceRequest {
  resourceSpans?: { resource?: { attributes?: OtlpKeyValue[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

function anyValue(v: OtlpAnyValue | undefined): unknown {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(anyValue);
  if (v.kvlistValue) return attributes(v.kvlistValue.values);
  return v.bytesValue;
}

function attributes(kvs: OtlpKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((kvs ?? []).map((kv) => [kv.key, anyValue(kv.value)]));
}

/** Ids arrive as hex in OTLP JSON; base64 (as protobuf's JSON mapping writes them) is read too. */
function hexId(id: string | undefined): string | undefined {
  if (!id) return undefined;
  return /^[0-9a-f]+$/i.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex');
}

const ms = (nanos: string | number) => Number(BigInt(nanos) / 1000n) / 1000;

/** The spans of one OTLP trace request, each with its service and resource. */
export function spansOf(request: OtlpTraceRequest): CollectedSpan[] {
  return (request.resourceSpans ?? []).flatMap((rs) => {
    const resource = attributes(rs.resource?.attributes);
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        traceId: hexId(s.traceId)!,
        spanId: hexId(s.spanId)!,
        parentSpanId: hexId(s.parentSpanId),
        name: s.name,
        kind: s.kind ?? 0,
        service: typeof resource['service.name'] === 'string' ? resource['service.name'] : '',
        startMs: ms(s.startTimeUnixNano),
        endMs: ms(s.endTimeUnixNano),
        attributes: attributes(s.attributes),
        events: (s.events ?? []).map((e) => ({ name: e.name, attributes: attributes(e.attributes) })),
        links: (s.links ?? []).map((l) => ({
          traceId: hexId(l.traceId)!,
          spanId: hexId(l.spanId)!,
          attributes: attributes(l.attributes),
        })),
        resource,
      })),
    );
  });
}

/** The spans of a trace file (one OTLP JSON request per line). */
export function spansOfLines(text: string): CollectedSpan[] {
  return text
    .split('\n')
    .filter((line) => line.trim())
    .flatMap((line) => spansOf(JSON.parse(line) as OtlpTraceRequest));
}

export class TraceCollector {
  private constructor(
    private readonly server: Server,
    /** The base URL to give as `OTEL_EXPORTER_OTLP_ENDPOINT`. */
    readonly url: string,
    /** Every span received so far (unless started with `keep: false`). */
    readonly spans: CollectedSpan[],
  ) {}

  /**
   * Listens on a free loopback port; with `file`, also appends each request to it as a line; with
   * `onSpans`, hands each request's spans on (to Zipkin, in `npm start`).
   */
  static async start(
    opts: { file?: string; port?: number; keep?: boolean; onSpans?: (spans: CollectedSpan[]) => void } = {},
  ): Promise<TraceCollector> {
    const keep = opts.keep ?? true;
    const spans: CollectedSpan[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/v1/traces') {
          res.writeHead(404).end();
          return;
        }
        try {
          let body = Buffer.concat(chunks);
          if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
          const request = JSON.parse(body.toString('utf8')) as OtlpTraceRequest;
          if (opts.file) appendFileSync(opts.file, JSON.stringify(request) + '\n');
          if (keep || opts.onSpans) {
            const received = spansOf(request);
            if (keep) spans.push(...received);
            opts.onSpans?.(received);
          }
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return new TraceCollector(server, `http://127.0.0.1:${port}`, spans);
  }

  /** The spans of one trace. */
  trace(traceId: string): CollectedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
