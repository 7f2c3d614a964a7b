/**
 * The bench's breakdown (bench/breakdown.ts): a registration's steps from its spans, overlapping
 * (pipelined) commands counted once, and the step that grows named over a long run.
 */
import { coveredMs, perThousandTable, registrationSteps, stepsOf } from '../../bench/breakdown';
import type { CollectedSpan } from '../../stack/trace-collector';

let nextId = 0;
const span = (name: string, startMs: number, endMs: number, extra: Partial<CollectedSpan> = {}): CollectedSpan => ({
  traceId: 't',
  spanId: `s${++nextId}`,
  parentSpanId: 'root',
  name,
  kind: 1,
  service: 'reliable-signup-worker',
  startMs,
  endMs,
  attributes: {},
  events: [],
  links: [],
  resource: {},
  ...extra,
});

/** A registration starting at `at`: request 0–100, hash 5–25, update-with-start 30–95, registerUser 50–80. */
function registration(at: number, traceId = 't', slowerMongo = 0): CollectedSpan[] {
  const s = (name: string, from: number, to: number, extra: Partial<CollectedSpan> = {}) =>
    span(name, at + from, at + to, { traceId, ...extra });
  return [
    s('POST', 0, 100, { parentSpanId: undefined, kind: 2, attributes: { 'http.route': '/api/users/register' } }),
    s('password hash', 5, 25),
    s('UpdateWithStartWorkflow:registered', 30, 95),
    s('RunActivity:registerUser', 50, 80 + slowerMongo),
    s('insert users', 52, 60 + slowerMongo, { attributes: { 'db.system': 'mongodb' } }),
    s('set', 62 + slowerMongo, 70 + slowerMongo, { attributes: { 'db.system': 'redis' } }),
    s('set', 63 + slowerMongo, 72 + slowerMongo, { attributes: { 'db.system': 'redis' } }),
    s('RunActivity:deliver', 110, 150),
    s('smtp send', 115, 140),
  ];
}

test('overlapping commands count once, and gaps not at all', () => {
  expect(coveredMs([span('a', 0, 10), span('b', 5, 12), span('c', 20, 25)])).toBe(17);
  expect(coveredMs([])).toBe(0);
});

test("a registration's steps come from its spans", () => {
  expect(stepsOf(registration(0))).toEqual({
    request: 100,
    hash: 20,
    'API → Temporal → worker (until the first local activity)': 20,
    'local activities': 30,
    '  registerUser': 30,
    '    registerUser: MongoDB': 8,
    '    registerUser: Redis': 10,
    'workflow task between local activities': 0,
    "update's answer back (last local activity → answer)": 15,
    'after the answer (API)': 5,
    'answer → delivery picked up': 15,
    delivery: 40,
    '  SMTP': 25,
    'request → SMTP done': 140,
  });
});

test('a delivery that starts before the answer reaches the API is not counted as a local activity', () => {
  const slowAnswer = registration(0).map((s) =>
    s.name === 'RunActivity:deliver' ? { ...s, startMs: 85, endMs: 90 } : s,
  );
  const steps = stepsOf(slowAnswer)!;
  expect(steps['local activities']).toBe(30);
  expect(steps["update's answer back (last local activity → answer)"]).toBe(15);
  expect(steps['answer → delivery picked up']).toBe(-10);
});

test("a traced workflow's first spans split the crossing into the server's part and the worker's", () => {
  // The run's own span ends with the workflow, so it may not be there; the update's is.
  const traced = [...registration(0), span('HandleUpdate:registered', 38, 45)];
  const steps = stepsOf(traced)!;
  expect(steps['API → Temporal → worker (until the first local activity)']).toBe(20);
  expect(steps['  Temporal: start → first workflow task started']).toBe(8);
  expect(steps['  worker: workflow task started → first local activity runs']).toBe(12);
  expect(Object.keys(steps).slice(2, 6)).toEqual([
    'API → Temporal → worker (until the first local activity)',
    '  Temporal: start → first workflow task started',
    '  worker: workflow task started → first local activity runs',
    'local activities',
  ]);
});

test('a trace without the update-with-start has no steps', () => {
  expect(stepsOf(registration(0).filter((s) => !s.name.startsWith('UpdateWithStart')))).toBeUndefined();
});

test('over two thousand registrations, the step whose median grew is named', () => {
  const spans = Array.from({ length: 2000 }, (_, i) => registration(i * 200, `t${i}`, i >= 1000 ? 12 : 0)).flat();
  const registrations = registrationSteps(spans);
  expect(registrations).toHaveLength(2000);
  const table = perThousandTable(registrations);
  expect(table).toMatch(/\| 1–1000 +\|/);
  expect(table).toMatch(/\| 1001–2000 +\|/);
  expect(table).toMatch(/Grew most: local activities \(\+12\.0 ms median/);
});
