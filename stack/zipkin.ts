/**
 * Zipkin as `npm start -- --traces`' trace viewer: its server from the jar stack/install.sh fetched from
 * Maven Central, keeping spans in memory, and the spans the start process receives (OTLP, from the API
 * and the worker) handed on to it in Zipkin's own JSON. Zipkin's server takes no OTLP, hence the
 * translation here.
 */
import { binaries } from './paths';
import { ManagedProcess } from './process';
import type { CollectedSpan } from './trace-collector';

/** A span in Zipkin's v2 JSON (https://zipkin.io/zipkin-api/#/default/post_spans). */
export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind?: 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
  timestamp: number;
  duration: number;
  localEndpoint: { serviceName: string };
  tags: Record<string, string>;
  annotations?: { timestamp: number; value: string }[];
}

// OTLP's span kinds 2–5; 1 (internal) has no Zipkin kind.
const KINDS = { 2: 'SERVER', 3: 'CLIENT', 4: 'PRODUCER', 5: 'CONSUMER' } as const;
const micros = (ms: number) => Math.round(ms * 1000);

/** The spans in Zipkin's JSON: attributes as string tags, events as annotations, links as tags. */
export function zipkinSpans(spans: CollectedSpan[]): ZipkinSpan[] {
  return spans.map((s) => {
    const tags = Object.fromEntries(
      Object.entries(s.attributes).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
    s.links.forEach((link, i) => (tags[`link.${i}`] = `${link.traceId}/${link.spanId}`));
    return {
      traceId: s.traceId,
      id: s.spanId,
      ...(s.parentSpanId ? { parentId: s.parentSpanId } : {}),
      name: s.name,
      ...(s.kind in KINDS ? { kind: KINDS[s.kind as keyof typeof KINDS] } : {}),
      timestamp: micros(s.startMs),
      duration: Math.max(1, micros(s.endMs) - micros(s.startMs)),
      localEndpoint: { serviceName: s.service || 'unknown' },
      tags,
      ...(s.events.length
        ? { annotations: s.events.map((e) => ({ timestamp: micros(s.startMs), value: e.name })) }
        : {}),
    };
  });
}

/** Posts spans to a Zipkin server; a failure is reported once, and later spans are still sent. */
export function zipkinForwarder(baseUrl: string, log: (line: string) => void): (spans: CollectedSpan[]) => void {
  let reported = false;
  return (spans) => {
    void fetch(`${baseUrl}/api/v2/spans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(zipkinSpans(spans)),
    })
      .then((res) => {
        if (!res.ok) throw new Error(`Zipkin answered ${res.status}`);
      })
      .catch((err: unknown) => {
        if (!reported) log(`spans not handed to Zipkin: ${(err as Error).message}`);
        reported = true;
      });
  };
}

/** Zipkin's server on a loopback port, spans in memory (the newest 100 000), heap capped. */
export function zipkinProcess(port: number, logFile: string): ManagedProcess {
  return new ManagedProcess({
    name: 'zipkin',
    command: 'java',
    args: [
      '-Xms64m',
      '-Xmx384m',
      '-jar',
      binaries.zipkinJar(),
      // Its one port, on loopback only: by default it listens on every interface.
      `--armeria.ports[0].port=${port}`,
      '--armeria.ports[0].ip=127.0.0.1',
      '--armeria.ports[0].protocols[0]=http',
    ],
    env: { ...process.env, STORAGE_TYPE: 'mem', MEM_MAX_SPANS: '100000' },
    logFile,
  });
}

/** Whether the server is up: its health endpoint answers 200. */
export async function zipkinReady(baseUrl: string): Promise<void> {
  const res = await fetch(`${baseUrl}/health`);
  if (!res.ok) throw new Error(`Zipkin's health answered ${res.status}`);
}
