// @ts-check
/* eslint-disable @typescript-eslint/no-require-imports -- jest loads a test sequencer as CommonJS */
const Sequencer = require('@jest/test-sequencer').default;

/**
 * Runs the test files in a random order drawn from jest's seed, and prints it, so that a test that only
 * passes after another one fails here rather than on the next new machine. `npm test -- --seed=<n>`
 * repeats an order.
 */
class RandomOrderSequencer extends Sequencer {
  /** @param {import('@jest/test-sequencer').TestSequencerOptions} options */
  constructor(options) {
    super(options);
    this.seed = options.globalConfig.seed;
  }

  /** @param {import('@jest/test-result').Test[]} tests */
  sort(tests) {
    const random = mulberry32(this.seed);
    const shuffled = [...tests].sort((a, b) => a.path.localeCompare(b.path));
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    process.stderr.write(
      `Test files in random order, seed ${this.seed} (repeat it: npm test -- --seed=${this.seed})\n`,
    );
    return shuffled;
  }
}

/** A small seeded PRNG: the same seed gives the same order on every machine. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

module.exports = RandomOrderSequencer;
