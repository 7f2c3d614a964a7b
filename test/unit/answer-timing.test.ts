import { createAnswerTiming } from '../../api/services/answer-timing';

/** A clock moved by hand, and the waits asked for. */
function harness(pickIndex: (n: number) => number = () => 0, size?: number) {
  let clock = 0;
  const waits: number[] = [];
  const timing = createAnswerTiming({
    size,
    now: () => clock,
    sleep: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
    pick: pickIndex,
  });
  const accept = (duration: number) => {
    const startedAt = clock;
    clock += duration;
    timing.accepted(startedAt);
  };
  return { timing, waits, accept, advance: (ms: number) => (clock += ms), at: () => clock };
}

describe('answer timing of a concealed taken address', () => {
  it('holds nothing before any registration was accepted', async () => {
    const h = harness();
    await h.timing.concealed(h.at());
    expect(h.waits).toEqual([]);
  });

  it('holds the answer until a drawn accepted duration has passed since the request arrived', async () => {
    const h = harness((n) => n - 1);
    h.accept(180);
    h.accept(240);
    const startedAt = h.at();
    h.advance(60); // the refusal itself took 60 ms
    await h.timing.concealed(startedAt);
    expect(h.waits).toEqual([180]);
    expect(h.at() - startedAt).toBe(240);
  });

  it('does not hold an answer that already took longer than the drawn duration', async () => {
    const h = harness();
    h.accept(100);
    const startedAt = h.at();
    h.advance(150);
    await h.timing.concealed(startedAt);
    expect(h.waits).toEqual([]);
  });

  it('draws from the last accepted durations only, as many as it keeps', async () => {
    const drawn: number[] = [];
    const h = harness((n) => {
      drawn.push(n);
      return 0;
    }, 2);
    h.accept(500); // pushed out by the two below
    h.accept(100);
    h.accept(120);
    const startedAt = h.at();
    await h.timing.concealed(startedAt);
    expect(drawn).toEqual([2]);
    expect(h.waits).toEqual([120]); // index 0 now holds the newest duration, the 500 ms one is gone
  });
});
