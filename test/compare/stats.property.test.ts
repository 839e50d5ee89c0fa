// The pure statistics the comparisons stand on, held to their definitions on any input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commonSegments } from '../../shared/analysis/run-vs-run';
import { binIndex, confusionMatrix, histogram, HistogramAccumulator, LineFit, madSd, median, meanStat, Moments, normalCdf, TopK } from '../../shared/analysis/stats';
import { DitheredAdc, leastSquares } from '../../shared/analysis/stuck-cells';

const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true });
const range = fc.tuple(finite, fc.double({ min: 1e-3, max: 1e6, noNaN: true })).map(([lo, span]) => ({ lo, hi: lo + span }));

describe('statistics', () => {
  it('a histogram counts every value once: in a bin, below or above', () => {
    fc.assert(
      fc.property(fc.array(finite, { maxLength: 300 }), range, fc.integer({ min: 1, max: 64 }), (values, { lo, hi }, bins) => {
        const h = histogram(values, lo, hi, bins);
        expect(h.counts).toHaveLength(bins);
        expect(h.counts.reduce((a, b) => a + b, 0) + h.underflow + h.overflow).toBe(values.length);
        expect(h.total).toBe(values.length);
        expect(h.underflow).toBe(values.filter((v) => v < lo).length);
        expect(h.overflow).toBe(values.filter((v) => v >= hi).length);
        if (values.length > 0) expect(h.min).toBe(Math.min(...values));
      }),
    );
  });

  it('a value falls in the bin whose edges hold it', () => {
    fc.assert(
      fc.property(finite, range, fc.integer({ min: 1, max: 1000 }), (v, { lo, hi }, bins) => {
        const k = binIndex(v, lo, hi, bins);
        if (v < lo) expect(k).toBe(-1);
        else if (v >= hi) expect(k).toBe(bins);
        else {
          const w = (hi - lo) / bins;
          expect(k).toBeGreaterThanOrEqual(0);
          expect(k).toBeLessThan(bins);
          // within rounding of the edges
          expect(v).toBeGreaterThanOrEqual(lo + k * w - 1e-9 * Math.max(1, Math.abs(v)));
          expect(v).toBeLessThanOrEqual(lo + (k + 1) * w + 1e-9 * Math.max(1, Math.abs(v)));
        }
      }),
    );
  });

  it('integer bins put each integer in its own bin; counts added at once are counts added one by one', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 200 }), (values) => {
        const one = HistogramAccumulator.integers(-8, 8);
        const many = HistogramAccumulator.integers(-8, 8);
        const tally = new Map<number, number>();
        for (const v of values) {
          one.add(v);
          tally.set(v, (tally.get(v) ?? 0) + 1);
        }
        for (const [v, k] of tally) many.addCount(v, k);
        const a = one.result();
        const b = many.result();
        expect(b.counts).toEqual(a.counts);
        expect([b.underflow, b.overflow, b.total, b.min, b.max]).toEqual([a.underflow, a.overflow, a.total, a.min, a.max]);
        for (let v = -8; v <= 8; v++) expect(a.counts[v + 8]).toBe(values.filter((x) => x === v).length);
      }),
    );
  });

  it('a confusion matrix sums to the pairs, its rows to the measured classes, its columns to the reference ones', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 6 })
          .chain((k) => fc.tuple(fc.constant(k), fc.array(fc.tuple(fc.integer({ min: 0, max: k - 1 }), fc.integer({ min: 0, max: k - 1 })), { maxLength: 300 }))),
        ([k, pairs]) => {
          const m = confusionMatrix(
            pairs.map((p) => p[0]),
            pairs.map((p) => p[1]),
            k,
          );
          expect(m.flat().reduce((a, b) => a + b, 0)).toBe(pairs.length);
          for (let c = 0; c < k; c++) {
            expect(m[c]!.reduce((a, b) => a + b, 0)).toBe(pairs.filter((p) => p[0] === c).length);
            expect(m.reduce((a, row) => a + row[c]!, 0)).toBe(pairs.filter((p) => p[1] === c).length);
          }
          expect(m.reduce((a, row, c) => a + row[c]!, 0)).toBe(pairs.filter((p) => p[0] === p[1]).length);
        },
      ),
    );
  });

  it('moments merge as if added in one stream', () => {
    fc.assert(
      fc.property(fc.array(finite, { maxLength: 100 }), fc.array(finite, { maxLength: 100 }), (xs, ys) => {
        const a = new Moments();
        const b = new Moments();
        const all = new Moments();
        xs.forEach((v) => (a.add(v), all.add(v)));
        ys.forEach((v) => (b.add(v), all.add(v)));
        a.merge(b);
        expect([a.n, a.min, a.max]).toEqual([all.n, all.min, all.max]);
        expect(a.mean).toBeCloseTo(all.mean, 6);
      }),
    );
  });

  it('a line through exact points is found again', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 2, maxLength: 50 }),
        (slope, intercept, xs) => {
          const f = new LineFit();
          xs.forEach((x) => f.add(x, slope * x + intercept));
          const line = f.line()!;
          expect(line.slope).toBeCloseTo(slope, 6);
          expect(line.intercept).toBeCloseTo(intercept, 3);
        },
      ),
    );
  });

  it('the mean of differences lies in its 95 % interval; the median and spread of a constant are that constant and 0', () => {
    fc.assert(
      fc.property(fc.array(finite, { minLength: 2, maxLength: 100 }), (xs) => {
        const s = meanStat(xs);
        expect(s.n).toBe(xs.length);
        expect(s.ci95Lo!).toBeLessThanOrEqual(s.mean! + 1e-9);
        expect(s.ci95Hi!).toBeGreaterThanOrEqual(s.mean! - 1e-9);
        const c = xs[0]!;
        expect(median(xs.map(() => c))).toBe(c);
        expect(madSd(xs.map(() => c))).toBe(0);
      }),
    );
  });

  it('the top K are the K largest, largest first', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 100 }), fc.integer({ min: 1, max: 10 }), (xs, k) => {
        const top = new TopK<number>(k);
        xs.forEach((x) => top.add(x, x));
        expect(top.values()).toEqual([...xs].sort((a, b) => b - a).slice(0, k));
      }),
    );
  });

  it('segments end where both runs end a block, and cover both runs to there', () => {
    const blocks = fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 30 }).map((sizes) => {
      let first = 0;
      return sizes.map((vectors) => {
        const b = { firstVector: first, vectors };
        first += vectors;
        return b;
      });
    });
    fc.assert(
      fc.property(blocks, blocks, (a, b) => {
        const segs = commonSegments(a, b);
        const endsA = new Set(a.map((x) => x.firstVector + x.vectors));
        const endsB = new Set(b.map((x) => x.firstVector + x.vectors));
        expect(segs.map((s) => s.to)).toEqual([...endsA].filter((e) => endsB.has(e)));
        let from = 0;
        for (const s of segs) {
          expect(s.from).toBe(from);
          expect(a[s.aFrom]!.firstVector).toBe(from);
          expect(b[s.bFrom]!.firstVector).toBe(from);
          expect(a[s.aTo - 1]!.firstVector + a[s.aTo - 1]!.vectors).toBe(s.to);
          expect(b[s.bTo - 1]!.firstVector + b[s.bTo - 1]!.vectors).toBe(s.to);
          from = s.to;
        }
      }),
    );
  });

  it('least squares recovers exact integer coefficients', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 1000 }), (coef, seed) => {
        let x = seed;
        const rand = () => ((x = (x * 1103515245 + 12345) % 2147483648), (x % 200) - 100);
        const n = 40;
        const features = coef.map(() => Float64Array.from({ length: n }, rand));
        const target = Float64Array.from({ length: n }, (_, t) => coef.reduce((s, c, k) => s + c * features[k]![t]!, 0));
        leastSquares(features, target).forEach((c, k) => expect(c).toBeCloseTo(coef[k]!, 6));
      }),
    );
  });

  it('the normal distribution function is symmetric, increasing (within its 1e-7) and right at a few points', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
    fc.assert(
      fc.property(fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (x, d) => {
        expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 7);
        expect(normalCdf(x + d)).toBeGreaterThanOrEqual(normalCdf(x) - 1e-7);
      }),
    );
  });

  it("an ADC's mean code rises with its input, rounds when quiet, is the input when noisy, and stays within the scale", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 2, noNaN: true }),
        fc.double({ min: -5, max: 70, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (sigma, y, d) => {
          const adc = new DitheredAdc(sigma, 63);
          const at = adc.expected(y);
          expect(at).toBeGreaterThanOrEqual(0);
          expect(at).toBeLessThanOrEqual(63);
          expect(adc.expected(y + d)).toBeGreaterThanOrEqual(at - 1e-6);
        },
      ),
    );
    // the table away from the ends agrees with the sum near them
    const adc = new DitheredAdc(0.3, 63);
    for (let y = 3.5; y < 8; y += 0.137) {
      let sum = 0;
      for (let k = 1; k <= 63; k++) sum += normalCdf((y - k + 0.5) / 0.3);
      expect(adc.expected(y)).toBeCloseTo(sum, 4);
    }
    expect(new DitheredAdc(0.05, 63).expected(20.3)).toBeCloseTo(20, 3);
    expect(new DitheredAdc(2, 63).expected(20.3)).toBeCloseTo(20.3, 3);
  });
});
