export interface Distribution {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles of a sample, in the sample's unit. */
export function distribution(samples: number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    count: sorted.length,
    p50: round(at(50)),
    p95: round(at(95)),
    p99: round(at(99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    mean: round(sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1)),
  };
}

/**
 * A 95 % bootstrap interval of `statistic(a) / statistic(b)`: both samples resampled with replacement,
 * `rounds` times. An interval that holds 1 says the two cannot be told apart at this sample size.
 */
export function ratioInterval(
  a: number[],
  b: number[],
  statistic: (samples: number[]) => number,
  rounds = 2000,
): [number, number] {
  const resample = (xs: number[]) => xs.map(() => xs[Math.floor(Math.random() * xs.length)]);
  const ratios = Array.from({ length: rounds }, () => statistic(resample(a)) / statistic(resample(b))).sort(
    (x, y) => x - y,
  );
  return [ratios[Math.floor(rounds * 0.025)], ratios[Math.ceil(rounds * 0.975) - 1]];
}
