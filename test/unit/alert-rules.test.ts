/**
 * deploy/prometheus/alerts.yml: the shape Prometheus loads (groups of rules, each with a name, an
 * expression, a severity and a summary), every expression parsed by Prometheus's own PromQL grammar.
 * That the metrics they name exist is checked against real scrapes in metrics.integration.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { metricNamesIn, promqlErrors, type AlertRules } from '../setup/alert-rules';

const rules = parse(readFileSync(join(__dirname, '../../deploy/prometheus/alerts.yml'), 'utf8')) as AlertRules;
const all = rules.groups.flatMap((g) => g.rules);

test('the grammar finds errors where there are some', () => {
  expect(promqlErrors('sum(rate(x[5m]) >')).not.toEqual([]);
  expect(promqlErrors('max(x) > 0')).toEqual([]);
});

test('groups of named rules, with the alerts an operator needs', () => {
  expect(rules.groups.length).toBeGreaterThan(0);
  for (const group of rules.groups) expect(group.name).toMatch(/\S/);
  const names = all.map((r) => r.alert);
  expect(new Set(names).size).toBe(names.length);
  // DEAD messages, request → mail latency, 5xx, rate-limit refusals, bounce and complaint rates.
  expect(metricNamesIn(rules)).toEqual(
    expect.arrayContaining([
      'reliable_signup_dead_messages',
      'reliable_signup_delivery_latency_ms_bucket',
      'reliable_signup_http_request_duration_seconds_count',
      'reliable_signup_rate_limited_total',
      'reliable_signup_mail_outcomes_total',
      'reliable_signup_deliveries_total',
    ]),
  );
});

test.each(all.map((r) => [r.alert, r] as const))('%s: a valid expression, a severity, a summary', (_name, rule) => {
  expect(rule.alert).toMatch(/^[A-Z][A-Za-z0-9]+$/);
  expect(promqlErrors(rule.expr)).toEqual([]);
  if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smh]$/);
  expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
  expect(rule.annotations?.summary).toMatch(/\S/);
});

test('the bounce rate alerts above 5 % for an hour, the complaint rate above 0.1 %', () => {
  const bounce = all.find((r) => r.alert === 'ReliableSignupBounceRateHigh')!;
  expect(bounce.expr).toMatch(/outcome=~"hard-bounce\|soft-bounces-as-hard"/);
  expect(bounce.expr).toMatch(/> 0\.05$/);
  expect(bounce.for).toBe('1h');
  const complaint = all.find((r) => r.alert === 'ReliableSignupComplaintRateHigh')!;
  expect(complaint.expr).toMatch(/outcome="complaint"/);
  expect(complaint.expr).toMatch(/> 0\.001$/);
});
