// The line-length estimator: fitted error rates, and the length it picks from them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineBudget } from '../../drivers/client/line-budget';
import { createPrng } from '../../shared/workload/prng';

const MAX = 8192;
const H = 96;

/** Round trips of the lengths given, each failing as a link with these hazards makes it; seeded. */
function feed(budget: LineBudget, lengths: readonly number[], passes: (length: number) => number, rounds: number, seed = 1): void {
  const rng = createPrng(seed, 3);
  for (let i = 0; i < rounds; i++) {
    const length = lengths[i % lengths.length] as number;
    let failures = 0;
    while (rng.nextFloat() >= passes(length) && failures < 1000) failures++;
    budget.record(length, failures);
  }
}

/** The length that maximises (L-h)/L e^(-bL): the figure the budget should land near. */
function bestLength(perByte: number): number {
  let best = H + 1;
  for (let L = H + 1; L <= MAX; L++) if (((L - H) / L) * Math.exp(-perByte * L) > ((best - H) / best) * Math.exp(-perByte * best)) best = L;
  return best;
}

describe('line budget', () => {
  it('uses the board limit on a clean link', () => {
    const budget = new LineBudget();
    expect(budget.lineBytes(MAX, H)).toBe(MAX);
    feed(budget, [8000, 150], () => 1, 500);
    expect(budget.estimate).toEqual({ perLine: 0, perByte: 0 });
    expect(budget.lineBytes(MAX, H)).toBe(MAX);
  });

  it('finds the per-byte error rate and the best length for it', () => {
    fc.assert(
      fc.property(fc.double({ min: -5, max: -3, noNaN: true }), fc.nat(100), (log10Rate, seed) => {
        const b = 10 ** log10Rate;
        // a long memory, so that the bounds below are many standard deviations wide
        const budget = new LineBudget({ halfLife: 1e6 });
        // lengths around 1/b, where failures say most about b, and short ones (a RUN, a PING)
        const lengths = [150, ...[0.1, 0.3, 1, 2].map((k) => Math.min(MAX, Math.max(30, Math.round(k / b))))];
        feed(budget, lengths, (L) => Math.exp(-b * L), 4000, seed);
        expect(budget.estimate.perByte / b).toBeGreaterThan(0.7);
        expect(budget.estimate.perByte / b).toBeLessThan(1.4);
        expect(budget.estimate.perLine).toBeLessThan(0.05); // a line with no byte hit is rarely lost
        // goodput is flat near its peak: the chosen length gives at least 95 % of the best
        const good = (L: number) => ((L - H) / L) * Math.exp(-b * L);
        expect(good(budget.lineBytes(MAX, H)) / good(bestLength(b))).toBeGreaterThan(0.95);
      }),
      { numRuns: 40 },
    );
  });

  it('does not shorten lines for faults that hit a line whatever its length', () => {
    const budget = new LineBudget();
    feed(budget, [8000, 2000, 150], () => 0.56, 2000); // corrupt=0.2,drop=0.05 both ways
    expect(budget.estimate.perLine).toBeGreaterThan(0.45);
    expect(budget.estimate.perLine).toBeLessThan(0.7);
    expect(budget.lineBytes(MAX, H)).toBeGreaterThan(0.8 * MAX);
  });

  it('shrinks lines while they fail and grows them back once they pass', () => {
    const budget = new LineBudget({ halfLife: 100 });
    feed(budget, [8000, 200], (L) => Math.exp(-1e-4 * L), 400);
    const noisy = budget.lineBytes(MAX, H);
    expect(noisy).toBeLessThan(0.25 * MAX);
    const lengths = [noisy];
    for (let k = 0; k < 8; k++) {
      feed(budget, [budget.lineBytes(MAX, H), 200], () => 1, 100, k);
      lengths.push(budget.lineBytes(MAX, H));
    }
    for (let k = 1; k < lengths.length; k++) expect(lengths[k]).toBeGreaterThanOrEqual(lengths[k - 1] as number);
    expect(lengths.at(-1)).toBe(MAX);
  });

  // Failures on short lines may rightly lengthen them (they point at faults that hit a line
  // whatever its length); failures on lines longer than any before never do.
  it('stays between the framing and the board limit, and never lengthens lines for failures of lines longer than any before', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ length: fc.integer({ min: 20, max: MAX }), failures: fc.nat(6) }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 0, max: MAX }),
        (trips, extra) => {
          // in a length bucket of its own, above the others (see below for one in the longest's bucket)
          const extraLength = 2 ** (Math.floor(Math.log2(Math.max(...trips.map((t) => t.length)))) + 1) + extra;
          const budget = new LineBudget();
          for (const t of trips) budget.record(t.length, t.failures);
          const before = budget.lineBytes(MAX, H);
          expect(before).toBeGreaterThan(H);
          expect(before).toBeLessThanOrEqual(MAX);
          const worse = new LineBudget();
          for (const t of trips) worse.record(t.length, t.failures);
          const passed = new LineBudget();
          for (const t of trips) passed.record(t.length, t.failures);
          worse.record(extraLength, 3);
          passed.record(extraLength, 0);
          expect(worse.lineBytes(MAX, H)).toBeLessThanOrEqual(passed.lineBytes(MAX, H) + 1);
        },
      ),
      { numRuns: 150 },
    );
  });

  // Round trips within a factor of two of each other share a bucket and its mean length (the fit
  // needs lengths, not every one). A failure in the longest line's bucket moves that mean, and the
  // fit with it, by a byte or two: found by the property above before it kept the new length in a
  // bucket of its own (seed 113093374 in CI, and a wider search). Keeping the passes' and the
  // failures' mean lengths apart removed it, but cost the 1e-4 noisy link 13 % of its goodput
  // (npm run bench -- noisy: 0.67 of the clean link against 0.77), so the drift stays, bounded.
  it.each([
    [
      [
        [8192, 2],
        [5530, 4],
        [20, 0],
      ],
      14106,
    ],
    [
      [
        [4096, 1],
        [20, 0],
        [2950, 3],
        [3479, 3],
      ],
      7262,
    ],
  ])('failures of a line in the longest line’s bucket lengthen lines by at most 0.5 %%: %j then %i', (trips, extraLength) => {
    const [worse, passed] = [new LineBudget(), new LineBudget()];
    for (const [length, failures] of trips as [number, number][]) {
      worse.record(length, failures);
      passed.record(length, failures);
    }
    worse.record(extraLength, 3);
    passed.record(extraLength, 0);
    expect(worse.lineBytes(MAX, H)).toBeLessThanOrEqual(passed.lineBytes(MAX, H) * 1.005);
  });

  it('tells the share of recent transmissions that failed: 0 on a clean link, fading as clean round trips follow', () => {
    const budget = new LineBudget({ halfLife: 100 });
    feed(budget, [200], () => 1, 50);
    expect(budget.failureRate).toBe(0);
    budget.record(200, 1); // one round trip that took two transmissions
    expect(budget.failureRate).toBeCloseTo(1 / 52, 2);
    feed(budget, [200], () => 1, 1000);
    expect(budget.failureRate).toBeGreaterThan(0);
    expect(budget.failureRate).toBeLessThan(1e-3);
  });
});
