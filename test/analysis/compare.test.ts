// Comparing measured results with the model, raw and through an ADC calibration.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareWithModel, type AdcCalibration } from '../../shared/analysis/compare';
import { createDieModel, NOT_ANALOG, type MacBatch } from '../../shared/model/evaluator';
import { DEFAULT_PROFILE } from '../../shared/model/profile';
import type { ResultBlock } from '../../shared/protocol/data-blocks';
import { generateWorkload } from '../../shared/workload/generators';

const profile = DEFAULT_PROFILE;
const columns = profile.outputs * profile.weightBits;
const w = generateWorkload(profile, { kind: 'relu', vectors: 64, seed: 5 });
const model = createDieModel(profile, w.weights);
const expected = model.evaluate(w.vectors, { mode: 'acim' }, { codes: true });
const { planes, adcTop } = model.geometry;

/** What a die would answer: the model's own results, with codes bent per column (then rounded and clipped as an ADC does). */
function measuredAs(batch: MacBatch, bend: (code: number, column: number) => number): ResultBlock {
  const codes = Int16Array.from(batch.codes!, (c, k) => {
    if (c === NOT_ANALOG) return c;
    const mac = Math.floor(k / planes);
    const column = (mac % profile.outputs) * profile.weightBits + (model.geometry.weightBit[k % planes] as number);
    return Math.min(adcTop, Math.max(0, Math.round(bend(c, column))));
  });
  return { first: 0, count: batch.vectors, outputs: batch.outputs, planes, digital: batch.digital, saliency: batch.saliency, level: batch.level, codes };
}

const identity: AdcCalibration = { gain: new Float64Array(columns).fill(1), offsetLsb: new Float64Array(columns) };

describe('comparison with the model', () => {
  it('the model against itself: no residual, every level agrees, the same SNR', () => {
    const c = compareWithModel(
      profile,
      model.geometry,
      expected,
      measuredAs(expected, (code) => code),
    );
    expect(c).toMatchObject({ digitalMismatches: 0, levelAgreements: c.macs, codeResidualSum: 0, codeResidualSq: 0 });
    expect(c.errorSq).toBeCloseTo(c.modelErrorSq, 6);
  });

  it('an identity calibration changes nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.9, max: 1.1, noNaN: true }), { minLength: columns, maxLength: columns }), (gains) => {
        const measured = measuredAs(expected, (code, col) => code * (gains[col] as number));
        const { yhat: a, ...raw } = compareWithModel(profile, model.geometry, expected, measured);
        const { yhat: b, ...calibrated } = compareWithModel(profile, model.geometry, expected, measured, identity);
        expect(calibrated).toEqual(raw);
        expect(Array.from(b)).toEqual(Array.from(a));
      }),
      { numRuns: 20 },
    );
  });

  it('the calibration of a die undoes its column gain and offset, up to the ADC rounding', () => {
    // gains and offsets that never clip: what is left of a code is its rounding, at most 0.5 LSB / gain
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.9, max: 0.98, noNaN: true }), { minLength: columns, maxLength: columns }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: columns, maxLength: columns }),
        (gains, offsets) => {
          const measured = measuredAs(expected, (code, col) => (gains[col] as number) * code + (offsets[col] as number));
          const calibration = { gain: Float64Array.from(gains), offsetLsb: Float64Array.from(offsets) };
          const c = compareWithModel(profile, model.geometry, expected, measured, calibration);
          expect(Math.max(-c.codeResidualMin, c.codeResidualMax)).toBeLessThanOrEqual(0.5 / 0.9 + 1e-9);
          expect(Math.abs(c.codeResidualSum / c.codeResidualCount)).toBeLessThan(0.1); // no bias left
        },
      ),
      { numRuns: 20 },
    );
  });
});
