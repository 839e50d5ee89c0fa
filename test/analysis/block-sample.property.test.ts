// A block's live sample, on any die, mode and measurement: its histograms count every conversion
// and every MAC once, on the bins their definitions give; the same block always gives the same
// sample, of the MACs its fixed rule picks; the run's histograms are its blocks' added up.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CODE_RESIDUAL_BINS, codeResidualBinLabels, SAMPLE_MACS, YHAT_ERROR_BINS, YHAT_ERROR_OCTAVES, yhatErrorBinLabels } from '../../shared/api/figures';
import { blockSample, codeResidualBin, ResidualHistogramsAccumulator, samplePicks, yhatErrorBin } from '../../shared/analysis/block-sample';
import { compareWithModel, type AdcCalibration } from '../../shared/analysis/compare';
import { createDieModel, NOT_ANALOG } from '../../shared/model/evaluator';
import { intMatrix } from '../../shared/model/matrix';
import type { DieProfile } from '../../shared/model/profile';
import type { ResultBlock } from '../../shared/protocol/data-blocks';
import { modeArb, profileArb, vectorsArb, weightsArb } from '../model/arbitraries';

const sum = (a: readonly number[]) => a.reduce((x, y) => x + y, 0);

/** A die's answer: the model's results `repeat` times over, codes bent by `bend` LSB (clipped) and some digital sums off. */
function measuredOf(p: DieProfile, batch: ReturnType<ReturnType<typeof createDieModel>['evaluate']>, repeat: number, bend: readonly number[]): ResultBlock {
  const top = 2 ** p.adcBits - 1;
  const modelCodes = batch.codes as Int16Array;
  const macs = batch.vectors * batch.outputs;
  const codes = new Int16Array(modelCodes.length * repeat);
  for (let k = 0; k < codes.length; k++) {
    const c = modelCodes[k % modelCodes.length] as number;
    codes[k] = c === NOT_ANALOG ? c : Math.min(top, Math.max(0, c + (bend[k % bend.length] as number)));
  }
  const tile = <T extends Float64Array | Uint8Array>(a: T, make: (n: number) => T) => {
    const out = make(a.length * repeat);
    for (let r = 0; r < repeat; r++) out.set(a, r * a.length);
    return out;
  };
  const digital = tile(batch.digital, (n) => new Float64Array(n));
  if (bend[0] === 3 && macs > 0) digital[0] = (digital[0] as number) + 64; // a digital sum off now and then
  return {
    first: 0,
    count: batch.vectors * repeat,
    outputs: batch.outputs,
    planes: batch.planes,
    digital,
    saliency: tile(batch.saliency, (n) => new Float64Array(n)),
    level: tile(batch.level, (n) => new Uint8Array(n)),
    codes,
  };
}

const caseArb = profileArb.chain((p) =>
  fc.record({
    p: fc.constant(p),
    weights: weightsArb(p),
    vectors: vectorsArb(p, 12),
    mode: modeArb(p),
    repeat: fc.integer({ min: 1, max: 3 }),
    bend: fc.array(fc.integer({ min: -12, max: 12 }), { minLength: 1, maxLength: 40 }),
    calibrated: fc.boolean(),
    gain: fc.double({ min: 0.8, max: 1.2, noNaN: true }),
    offset: fc.double({ min: -2, max: 2, noNaN: true }),
  }),
);

describe('a block’s live sample', () => {
  it('counts every conversion and every MAC once, on the bins of their residuals; the same block gives the same sample', () => {
    fc.assert(
      fc.property(caseArb, ({ p, weights, vectors, mode, repeat, bend, calibrated, gain, offset }) => {
        const model = createDieModel(p, intMatrix(p.rows, p.outputs, Int32Array.from(weights.flat())));
        const batch = model.evaluate(intMatrix(vectors.length, p.rows, Int32Array.from(vectors.flat())), mode, { codes: true });
        const measured = measuredOf(p, batch, repeat, bend);
        const columns = p.outputs * p.weightBits;
        const calibration: AdcCalibration | null = calibrated ? { gain: new Float64Array(columns).fill(gain), offsetLsb: new Float64Array(columns).fill(offset) } : null;
        const cmp = compareWithModel(p, model.geometry, batch, measured, calibration);
        const s = blockSample(p, model.geometry, batch, measured, cmp.yhat, calibration);

        expect(s.codeResidual).toHaveLength(CODE_RESIDUAL_BINS);
        expect(s.yhatError).toHaveLength(YHAT_ERROR_BINS);
        expect(sum(s.codeResidual)).toBe(cmp.codeResidualCount);
        expect(sum(s.yhatError)).toBe(cmp.macs);
        // the middle code bin holds the conversions within half an LSB of the ideal code
        if (!calibration) {
          let exact = 0;
          const codes = batch.codes as Int16Array;
          measured.codes.forEach((c, k) => {
            const ideal = codes[k % codes.length] as number;
            if (c !== NOT_ANALOG && ideal !== NOT_ANALOG && c === ideal) exact++;
          });
          expect(s.codeResidual[CODE_RESIDUAL_BINS >> 1]).toBe(exact);
          // every conversion in the bin of its residual; and through an identity calibration (the other path), the same
          const bins = new Array<number>(CODE_RESIDUAL_BINS).fill(0);
          measured.codes.forEach((c, k) => {
            const ideal = codes[k % codes.length] as number;
            if (c === NOT_ANALOG || ideal === NOT_ANALOG) return;
            const at = codeResidualBin(c - ideal);
            bins[at] = (bins[at] ?? 0) + 1;
          });
          expect(s.codeResidual).toEqual(bins);
          const identity = { gain: new Float64Array(columns).fill(1), offsetLsb: new Float64Array(columns) };
          expect(blockSample(p, model.geometry, batch, measured, cmp.yhat, identity).codeResidual).toEqual(bins);
        }

        const picks = samplePicks(cmp.macs, p.outputs);
        expect(s.pairs).toEqual(picks.map((mac) => [batch.exact[mac % batch.exact.length], cmp.yhat[mac]]));
        expect(s.pairs.length).toBe(Math.min(cmp.macs, SAMPLE_MACS));
        expect(blockSample(p, model.geometry, batch, measured, cmp.yhat, calibration)).toEqual(s);
        // and it survives JSON, as the store and the wire carry it
        expect(JSON.parse(JSON.stringify(s))).toEqual(s);
      }),
      { numRuns: 100 },
    );
  });

  it('picks the same MACs of a block of the same shape: distinct, ascending, in the block, over its outputs and its whole length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 250_000 }), fc.integer({ min: 1, max: 256 }), (records, outputs) => {
        const macs = records * outputs;
        const picks = samplePicks(macs, outputs);
        expect(samplePicks(macs, outputs)).toEqual(picks);
        expect(picks).toHaveLength(Math.min(macs, SAMPLE_MACS));
        expect(picks.every((m, i) => m >= 0 && m < macs && (i === 0 || m > (picks[i - 1] as number)))).toBe(true);
        if (macs <= SAMPLE_MACS) return;
        // every output (as many as the sample can hold), and no eighth of the block without a pick
        expect(new Set(picks.map((m) => m % outputs)).size).toBe(Math.min(outputs, SAMPLE_MACS));
        if (records >= 8 * Math.ceil(SAMPLE_MACS / outputs)) expect(new Set(picks.map((m) => Math.floor((8 * m) / macs))).size).toBe(8);
      }),
    );
  });

  it('bins a code residual by its value rounded half up, beyond ±8 LSB in the open bins', () => {
    fc.assert(
      fc.property(fc.double({ min: -40, max: 40, noNaN: true }), (r) => {
        const k = codeResidualBin(r);
        const label = codeResidualBinLabels()[k] as string;
        const rounded = Math.floor(r + 0.5);
        if (rounded < -8) expect(label).toBe('≤−9');
        else if (rounded > 8) expect(label).toBe('≥+9');
        else expect(label).toBe(rounded === 0 ? '0' : rounded > 0 ? `+${rounded}` : `−${-rounded}`);
      }),
    );
    expect(codeResidualBin(NaN)).toBe(CODE_RESIDUAL_BINS - 1);
  });

  it('bins a yhat error by its sign and octave, in order', () => {
    const octave = (k: number) => YHAT_ERROR_OCTAVES + 1 + Math.min(k, YHAT_ERROR_OCTAVES - 1);
    fc.assert(
      fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }), fc.double({ min: -1e12, max: 1e12, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(yhatErrorBin(lo)).toBeLessThanOrEqual(yhatErrorBin(hi));
        const m = Math.abs(a);
        const k = yhatErrorBin(a);
        if (m < 1) expect(k).toBe(YHAT_ERROR_OCTAVES);
        else {
          const o = Math.floor(Math.log2(m));
          // 2^o <= |a| < 2^(o+1), except where log2 rounds at an exact power of two
          const exactOctave = 2 ** o <= m && m < 2 ** (o + 1) ? o : 2 ** o > m ? o - 1 : o + 1;
          expect(k).toBe(a > 0 ? octave(exactOctave) : YHAT_ERROR_BINS - 1 - octave(exactOctave));
        }
      }),
    );
    expect([0.99, 1, 1.99, 2, 3, 4].map(yhatErrorBin)).toEqual([24, 25, 25, 26, 26, 27]);
    expect([-0.5, -1, -2, -(2 ** 40)].map(yhatErrorBin)).toEqual([24, 23, 22, 0]);
    expect(yhatErrorBinLabels().slice(YHAT_ERROR_OCTAVES - 1, YHAT_ERROR_OCTAVES + 3)).toEqual(['−2⁰', '0', '+2⁰', '+2¹']);
    expect(yhatErrorBinLabels().at(-1)).toBe('≥+2²³');
    expect(yhatErrorBinLabels()[0]).toBe('≤−2²³');
  });

  it('adds up the run’s histograms from its blocks’, leaving out blocks logged without a sample', () => {
    const counts = (n: number) => fc.array(fc.nat(1000), { minLength: n, maxLength: n });
    const histArb = fc.option(fc.record({ codeResidual: counts(CODE_RESIDUAL_BINS), yhatError: counts(YHAT_ERROR_BINS) }), { nil: undefined });
    fc.assert(
      fc.property(fc.array(histArb, { maxLength: 20 }), (blocks) => {
        const acc = new ResidualHistogramsAccumulator();
        blocks.forEach((b) => acc.add(b));
        const given = blocks.filter((b) => b !== undefined);
        const r = acc.result();
        if (given.length === 0) {
          expect(r).toBeNull();
          return;
        }
        expect(r?.codeResidual).toEqual(Array.from({ length: CODE_RESIDUAL_BINS }, (_, i) => sum(given.map((b) => b.codeResidual[i] as number))));
        expect(r?.yhatError).toEqual(Array.from({ length: YHAT_ERROR_BINS }, (_, i) => sum(given.map((b) => b.yhatError[i] as number))));
      }),
    );
  });
});
