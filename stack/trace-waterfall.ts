/**
 * `npm run traces:waterfall -- <traces.jsonl> <out.svg> [trace id]`: one trace of a trace file (the
 * last registration's unless a trace id is given) drawn as a waterfall, a row per span under its parent.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { spansOfLines, type CollectedSpan } from './trace-collector';

const ROW = 18;
const LABEL_WIDTH = 360;
const BAR_WIDTH = 560;
const escape = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** What a span is, for its colour: the database, Redis, SMTP, a Temporal step, the API, the worker. */
function colourOf(span: CollectedSpan): string {
  const system = span.attributes['db.system'] ?? span.attributes['db.system.name'];
  if (system === 'mongodb') return '#2e7d32';
  if (system === 'redis') return '#c62828';
  if (span.name === 'smtp send') return '#6a1b9a';
  if (
    /^(RunWorkflow|HandleUpdate|StartActivity|RunActivity|UpdateWithStartWorkflow|StartWorkflowUpdate)/.test(span.name)
  )
    return '#ef6c00';
  return span.service.endsWith('api') ? '#1565c0' : '#00838f';
}

/** The spans of one trace in the order a waterfall shows them: each parent, then its children by start. */
export function waterfallRows(spans: CollectedSpan[]): { span: CollectedSpan; depth: number }[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | undefined, CollectedSpan[]>();
  for (const s of spans) {
    const parent = s.parentSpanId && ids.has(s.parentSpanId) ? s.parentSpanId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const rows: { span: CollectedSpan; depth: number }[] = [];
  const visit = (parent: string | undefined, depth: number) => {
    for (const s of (children.get(parent) ?? []).sort((a, b) => a.startMs - b.startMs)) {
      rows.push({ span: s, depth });
      visit(s.spanId, depth + 1);
    }
  };
  visit(undefined, 0);
  return rows;
}

/** The trace as an SVG waterfall: a row per span, its bar placed and sized by its start and duration. */
export function waterfallSvg(spans: CollectedSpan[], title: string): string {
  const rows = waterfallRows(spans);
  const start = Math.min(...spans.map((s) => s.startMs));
  const end = Math.max(...spans.map((s) => s.endMs));
  const scale = BAR_WIDTH / Math.max(end - start, 1);
  const width = LABEL_WIDTH + BAR_WIDTH + 90;
  const height = 40 + rows.length * ROW + 10;
  const body = rows.map(({ span, depth }, i) => {
    const y = 40 + i * ROW;
    const x = LABEL_WIDTH + (span.startMs - start) * scale;
    const w = Math.max((span.endMs - span.startMs) * scale, 1);
    const label = `${span.name} · ${span.service.replace('reliable-signup-', '')}`;
    return [
      `<text x="${4 + depth * 10}" y="${y + 12}">${escape(label.slice(0, 58 - depth * 2))}</text>`,
      `<rect x="${x.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW - 6}" fill="${colourOf(span)}"/>`,
      `<text x="${(x + w + 4).toFixed(1)}" y="${y + 12}" class="d">${(span.endMs - span.startMs).toFixed(1)} ms</text>`,
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<style>.d{fill:#555}</style><rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="4" y="20" font-size="13" font-weight="bold">${escape(title)} — ${(end - start).toFixed(0)} ms, ${spans.length} spans</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** The last trace whose root is a registration request. */
export function lastRegistrationTrace(spans: CollectedSpan[]): string | undefined {
  return spans
    .filter((s) => !s.parentSpanId && s.kind === 2 && String(s.attributes['http.route']) === '/api/users/register')
    .sort((a, b) => a.startMs - b.startMs)
    .pop()?.traceId;
}

if (require.main === module) {
  const [file, out, traceId] = process.argv.slice(2);
  if (!file || !out) throw new Error('usage: npm run traces:waterfall -- <traces.jsonl> <out.svg> [trace id]');
  const spans = spansOfLines(readFileSync(file, 'utf8'));
  const id = traceId ?? lastRegistrationTrace(spans);
  const trace = spans.filter((s) => s.traceId === id);
  if (!id || trace.length === 0)
    throw new Error(`no ${traceId ? `trace ${traceId}` : 'registration trace'} in ${file}`);
  writeFileSync(out, waterfallSvg(trace, `trace ${id}`));
  console.log(`${out}: ${trace.length} spans of trace ${id}`);
}
