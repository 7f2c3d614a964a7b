import { parser } from '@prometheus-io/lezer-promql';

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
export interface AlertRules {
  groups: { name: string; rules: AlertRule[] }[];
}

/** Where Prometheus's own PromQL grammar (the one its web UI parses with) finds a syntax error in `expr`. */
export function promqlErrors(expr: string): number[] {
  const errors: number[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(node.from);
    },
  });
  return errors;
}

/** The metric names the rules' expressions select, each once. */
export function metricNamesIn(rules: AlertRules): string[] {
  const names = new Set<string>();
  for (const { expr } of rules.groups.flatMap((g) => g.rules)) {
    parser.parse(expr).iterate({
      enter: (node) => {
        if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') {
          names.add(expr.slice(node.from, node.to));
        }
      },
    });
  }
  return [...names].sort();
}
