/**
 * Where a registration's time goes, from its trace (docs/tracing.md): each step's duration and its share
 * of the request, median and p95 over the registrations a scenario ran; and, over a long run, the same
 * per thousand registrations, to show a cost that grows with the data and name the step that grows.
 */
import type { CollectedSpan } from '../stack/trace-collector';
import { distribution } from './stats';

const SERVER = 2;
const DELIVERY = 'RunActivity:deliver';
const isDb = (s: CollectedSpan, system: string) =>
  s.attributes['db.system'] === system || s.attributes['db.system.name'] === system;
const duration = (s: CollectedSpan) => s.endMs - s.startMs;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The time at least one of the spans was open: pipelined commands overlap, and count once. */
export function coveredMs(spans: CollectedSpan[]): number {
  let total = 0;
  let end = -Infinity;
  for (const s of [...spans].sort((a, b) => a.startMs - b.startMs)) {
    if (s.endMs <= end) continue;
    total += s.endMs - Math.max(s.startMs, end);
    end = s.endMs;
  }
  return total;
}

/** One registration's steps, in milliseconds; a step its trace lacks is left out. */
export type Steps = Record<string, number>;

/**
 * The steps of one registration trace, in the order a request goes through them. The workflow task's
 * own time is no span's (workflow spans carry workflow time, docs/tracing.md): it is the time from the
 * update-with-start to its first local activity, between them, and from the last one to the answer.
 */
export function stepsOf(trace: CollectedSpan[]): Steps | undefined {
  const root = trace.find((s) => !s.parentSpanId && s.kind === SERVER);
  const hash = trace.find((s) => s.name === 'password hash');
  const start = trace.find((s) => s.name.startsWith('UpdateWithStartWorkflow:'));
  if (!root || !hash || !start) return undefined;
  const within = (outer: CollectedSpan) => (s: CollectedSpan) => s.startMs >= outer.startMs && s.endMs <= outer.endMs;
  // The local activities the answer waits for: every activity run inside the update-with-start call but
  // the delivery, which may start and even end before a slow answer reaches the API.
  const localActivities = trace
    .filter((s) => s.name.startsWith('RunActivity:') && s.name !== DELIVERY && within(start)(s))
    .sort((a, b) => a.startMs - b.startMs);
  if (localActivities.length === 0) return undefined;
  const deliver = trace.find((s) => s.name === DELIVERY);
  const smtp = trace.find((s) => s.name === 'smtp send');
  const first = localActivities[0];
  const last = localActivities[localActivities.length - 1];
  const steps: Steps = {
    request: duration(root),
    hash: duration(hash),
    'API → Temporal → worker (until the first local activity)': first.startMs - start.startMs,
  };
  // A traced workflow's first spans (its run, the update's validation and handling; the run's own span
  // ends only with the workflow) start at its first workflow task's start as the server stamped it
  // (workflow time, whole milliseconds): the crossing splits into the server's part and the worker's.
  const firstTask = trace
    .filter((s) => /^(RunWorkflow|ValidateUpdate|HandleUpdate):/.test(s.name))
    .find((s) => s.startMs >= Math.floor(start.startMs) && s.startMs <= first.startMs);
  if (firstTask) {
    steps['  Temporal: start → first workflow task started'] = firstTask.startMs - start.startMs;
    steps['  worker: workflow task started → first local activity runs'] = first.startMs - firstTask.startMs;
  }
  steps['local activities'] = sum(localActivities.map(duration));
  for (const activity of localActivities) {
    const name = activity.name.slice('RunActivity:'.length);
    const inside = trace.filter(within(activity));
    const add = (key: string, ms: number) => (steps[key] = (steps[key] ?? 0) + ms);
    add(`  ${name}`, duration(activity));
    add(`    ${name}: MongoDB`, coveredMs(inside.filter((s) => isDb(s, 'mongodb'))));
    add(`    ${name}: Redis`, coveredMs(inside.filter((s) => isDb(s, 'redis'))));
  }
  steps['workflow task between local activities'] = last.endMs - first.startMs - steps['local activities'];
  steps["update's answer back (last local activity → answer)"] = start.endMs - last.endMs;
  steps['after the answer (API)'] = root.endMs - start.endMs;
  if (deliver) {
    // From the answer, not from the last local activity: the update's answer back is a step of its own.
    steps['answer → delivery picked up'] = deliver.startMs - start.endMs;
    steps.delivery = duration(deliver);
  }
  if (smtp) {
    steps['  SMTP'] = duration(smtp);
    steps['request → SMTP done'] = smtp.endMs - root.startMs;
  }
  return steps;
}

/** The registration traces among the spans, each as its root's start and its steps, by start. */
export function registrationSteps(spans: CollectedSpan[]): { startMs: number; endMs: number; steps: Steps }[] {
  const byTrace = new Map<string, CollectedSpan[]>();
  for (const s of spans) byTrace.set(s.traceId, [...(byTrace.get(s.traceId) ?? []), s]);
  return [...byTrace.values()]
    .filter((t) => t.some((s) => !s.parentSpanId && s.attributes['http.route'] === '/api/users/register'))
    .map((t) => {
      const root = t.find((s) => !s.parentSpanId)!;
      return { startMs: root.startMs, endMs: root.endMs, steps: stepsOf(t) };
    })
    .filter((r): r is { startMs: number; endMs: number; steps: Steps } => Boolean(r.steps))
    .sort((a, b) => a.startMs - b.startMs);
}

/** Each step's median and p95 in milliseconds, and its median share of the request in per cent. */
export function breakdownOf(
  registrations: { steps: Steps }[],
): Record<string, { p50: number; p95: number; shareP50: number }> {
  const names = [...new Set(registrations.flatMap((r) => Object.keys(r.steps)))];
  return Object.fromEntries(
    names.map((name) => {
      const values = registrations.map((r) => r.steps[name]).filter((v): v is number => v !== undefined);
      const shares = registrations
        .filter((r) => r.steps[name] !== undefined)
        .map((r) => (r.steps[name] / r.steps.request) * 100);
      const d = distribution(values);
      return [name, { p50: d.p50, p95: d.p95, shareP50: distribution(shares).p50 }];
    }),
  );
}

/** The breakdown table: each step's median and p95, and its median share of the request. */
export function breakdownTable(registrations: { steps: Steps }[]): string {
  const rows = Object.entries(breakdownOf(registrations)).map(([name, d]) => [
    name,
    String(d.p50),
    String(d.p95),
    `${d.shareP50} %`,
  ]);
  return markdown([['step', 'median ms', 'p95 ms', 'median share of request'], ...rows]);
}

/**
 * Per thousand registrations (by start): throughput and each step's median; then the step whose median
 * grew most from the first thousand to the last.
 */
export function perThousandTable(registrations: { startMs: number; endMs: number; steps: Steps }[]): string {
  const groups: (typeof registrations)[] = [];
  registrations.forEach((r, i) => (groups[Math.floor(i / 1000)] ??= []).push(r));
  if (groups.length < 2) return '';
  const names = Object.keys(registrations[0].steps).filter((n) => !n.startsWith('request →'));
  const median = (g: typeof registrations, name: string) =>
    distribution(g.map((r) => r.steps[name]).filter((v): v is number => v !== undefined)).p50;
  const rows = groups.map((g, i) => [
    `${i * 1000 + 1}–${i * 1000 + g.length}`,
    (g.length / ((Math.max(...g.map((r) => r.endMs)) - g[0].startMs) / 1000)).toFixed(1),
    ...names.map((n) => String(median(g, n))),
  ]);
  const first = groups[0];
  const last = groups[groups.length - 1];
  const growth = names
    .filter((n) => n !== 'request' && !n.startsWith('  '))
    .map((n) => ({ n, by: median(last, n) - median(first, n) }))
    .sort((a, b) => b.by - a.by)[0];
  return `${markdown([['registrations', 'reg/s', ...names.map((n) => n.trim())], ...rows])}\n\nGrew most: ${growth.n} (+${growth.by.toFixed(1)} ms median, first thousand to last)`;
}

function markdown(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => `| ${r.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`).join('\n');
}
