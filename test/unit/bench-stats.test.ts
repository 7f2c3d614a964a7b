import { distribution, ratioInterval } from '../../bench/stats';

const p50 = (xs: number[]) => distribution(xs).p50;
const spread = (n: number, from: number) => Array.from({ length: n }, (_, i) => from + i);

describe('ratioInterval', () => {
  it('holds 1 for two samples of the same spread', () => {
    const [lo, hi] = ratioInterval(spread(100, 200), spread(100, 200), p50);
    expect(lo).toBeLessThan(1);
    expect(hi).toBeGreaterThan(1);
  });

  it('lies wholly above 1 when one sample is clearly slower', () => {
    const [lo, hi] = ratioInterval(spread(100, 400), spread(100, 200), p50);
    expect(lo).toBeGreaterThan(1.3);
    expect(hi).toBeLessThan(2.2);
  });
});
