// The fast model against the oracle, and the invariants of spec section 3, over random profiles.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDieModel, NOT_ANALOG } from '../../shared/model/evaluator';
import { matrixFromRows } from '../../shared/model/matrix';
import { DEFAULT_PROFILE } from '../../shared/model/profile';
import { createPlanePopcounter } from '../../shared/model/plane-popcounts';
import { caseArb, vectorsArb, weightsArb } from './arbitraries';
import { evaluateRows, KERNELS } from './helpers';
import { oracleMac } from './oracle';

const column = (weights: number[][], m: number) => weights.map((row) => row[m]!);

describe.each(KERNELS)('fast model (%s kernel) equals the oracle to the bit', (kernel) => {
  it('on every field of every MAC, for random profiles, inputs and modes', () => {
    fc.assert(
      fc.property(caseArb, ({ profile, weights, vectors, config }) => {
        const batch = evaluateRows(profile, weights, vectors, config, kernel);
        const P = profile.inputBits * profile.weightBits;
        vectors.forEach((x, v) => {
          for (let m = 0; m < profile.outputs; m++) {
            const mac = v * profile.outputs + m;
            const o = oracleMac(profile, x, column(weights, m), config);
            expect({
              exact: batch.exact[mac],
              digital: batch.digital[mac],
              analog: batch.analog[mac],
              yhat: batch.yhat[mac],
              level: batch.level[mac],
              saliency: batch.saliency[mac],
              nDigital: batch.nDigital[mac],
              nAnalog: batch.nAnalog[mac],
              nSkipped: batch.nSkipped[mac],
              energyPj: batch.energyPj[mac],
              codes: Array.from(batch.codes!.subarray(mac * P, (mac + 1) * P)),
            }).toEqual(o);
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('for every row-chunk width of its popcount tables', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 8 }), ({ profile, weights, vectors, config }, chunkRows) => {
        const model = createDieModel(profile, matrixFromRows(weights), { kernel, chunkRows });
        const b = model.evaluate(matrixFromRows(vectors), config, { codes: true });
        vectors.forEach((x, v) => {
          for (let m = 0; m < profile.outputs; m++) {
            const o = oracleMac(profile, x, column(weights, m), config);
            const mac = v * profile.outputs + m;
            expect([b.exact[mac], b.yhat[mac], b.level[mac]]).toEqual([o.exact, o.yhat, o.level]);
          }
        });
      }),
      { numRuns: 100 },
    );
  });
});

describe('JavaScript plane popcounts', () => {
  it('equal a row-by-row count for every chunk width', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 8 }), ({ profile, weights, vectors }, chunkRows) => {
        const counter = createPlanePopcounter(profile, matrixFromRows(weights), { chunkRows });
        const x = matrixFromRows(vectors);
        const out = new Int32Array(profile.outputs * profile.inputBits * profile.weightBits);
        vectors.forEach((row, v) => {
          expect(counter.popcounts(x.data, v * profile.rows, out)).toBe(-1);
          for (let m = 0; m < profile.outputs; m++) {
            for (let i = 0; i < profile.inputBits; i++) {
              for (let j = 0; j < profile.weightBits; j++) {
                let expected = 0;
                row.forEach((xr, r) => {
                  const w = weights[r]![m]!;
                  expected += (xr >> i) & 1 & ((w >> j) & 1);
                });
                expect(out[m * profile.inputBits * profile.weightBits + i * profile.weightBits + j]).toBe(expected);
              }
            }
          }
        });
      }),
      { numRuns: 100 },
    );
  });
});

describe('invariants of spec section 3', () => {
  it('dcim equals exact, and exact equals the integer dot product', () => {
    fc.assert(
      fc.property(caseArb, ({ profile, weights, vectors }) => {
        const b = evaluateRows(profile, weights, vectors, { mode: 'dcim' });
        vectors.forEach((x, v) => {
          for (let m = 0; m < profile.outputs; m++) {
            const mac = v * profile.outputs + m;
            const dot = x.reduce((s, xr, r) => s + xr * weights[r]![m]!, 0);
            expect(b.exact[mac]).toBe(dot);
            expect(b.digital[mac]).toBe(dot);
            expect(b.yhat[mac]).toBe(dot);
          }
        });
      }),
    );
  });

  it('plane counts sum to BX*BW and codes lie in 0..2^B-1 exactly where planes are analog', () => {
    fc.assert(
      fc.property(caseArb, ({ profile, weights, vectors, config }) => {
        const b = evaluateRows(profile, weights, vectors, config);
        const P = profile.inputBits * profile.weightBits;
        const top = 2 ** profile.adcBits - 1;
        for (let mac = 0; mac < b.exact.length; mac++) {
          expect(b.nDigital[mac]! + b.nAnalog[mac]! + b.nSkipped[mac]!).toBe(P);
          const codes = Array.from(b.codes!.subarray(mac * P, (mac + 1) * P));
          const analog = codes.filter((c) => c !== NOT_ANALOG);
          expect(analog.length).toBe(b.nAnalog[mac]);
          for (const c of analog) expect(c >= 0 && c <= top).toBe(true);
        }
      }),
    );
  });

  it('the level never decreases as saliency grows (osa)', () => {
    fc.assert(
      fc.property(caseArb, ({ profile, weights, vectors }) => {
        const b = evaluateRows(profile, weights, vectors, { mode: 'osa' });
        const macs = Array.from(b.saliency.keys()).sort((a, c) => b.saliency[a]! - b.saliency[c]!);
        for (let q = 1; q < macs.length; q++) expect(b.level[macs[q]!]!).toBeGreaterThanOrEqual(b.level[macs[q - 1]!]!);
        for (let q = 0; q < macs.length; q++) {
          const s = b.saliency[macs[q]!]!;
          expect(b.level[macs[q]!]).toBe(profile.thresholds.filter((t) => s > t).length);
        }
      }),
    );
  });

  it('a batch equals the same vectors evaluated one at a time', () => {
    fc.assert(
      fc.property(caseArb, ({ profile, weights, vectors, config }) => {
        const model = createDieModel(profile, matrixFromRows(weights));
        const whole = model.evaluate(matrixFromRows(vectors), config);
        vectors.forEach((x, v) => {
          const one = model.evaluate(matrixFromRows([x]), config);
          const slice = (a: Float64Array) => Array.from(a.subarray(v * profile.outputs, (v + 1) * profile.outputs));
          expect(Array.from(one.yhat)).toEqual(slice(whole.yhat));
          expect(Array.from(one.exact)).toEqual(slice(whole.exact));
        });
      }),
      { numRuns: 50 },
    );
  });

  it.each(KERNELS)('the default profile (8-row chunks, SIMD packing) matches the oracle on random inputs (%s)', (kernel) => {
    fc.assert(
      fc.property(weightsArb(DEFAULT_PROFILE), vectorsArb(DEFAULT_PROFILE, 2), (weights, vectors) => {
        const b = evaluateRows(DEFAULT_PROFILE, weights, vectors, { mode: 'osa' }, kernel);
        vectors.forEach((x, v) => {
          for (let m = 0; m < 8; m++) {
            const o = oracleMac(DEFAULT_PROFILE, x, column(weights, m), { mode: 'osa' });
            expect([b.yhat[v * 8 + m], b.level[v * 8 + m], b.exact[v * 8 + m]]).toEqual([o.yhat, o.level, o.exact]);
          }
        });
      }),
      { numRuns: 20 },
    );
  });
});

describe('bad input to the model', () => {
  it.each(KERNELS)('names the vector and row of an out-of-range input anywhere in a long vector (%s)', (kernel) => {
    const w = matrixFromRows(Array.from({ length: 256 }, () => Array.from({ length: 8 }, () => 1)));
    const model = createDieModel(DEFAULT_PROFILE, w, { kernel });
    for (const [row, value] of [
      [37, 256],
      [255, -1],
      [0, 1 << 20],
      [16, 300],
    ] as const) {
      const x = matrixFromRows([Array.from({ length: 256 }, () => 3), Array.from({ length: 256 }, (_, r) => (r === row ? value : 5))]);
      expect(() => model.evaluate(x, { mode: 'osa' })).toThrow(`vector 1, row ${row}: input ${value} is outside 0..255`);
    }
  });

  it('runs the WebAssembly kernel under Node', () => {
    const w = matrixFromRows(Array.from({ length: 256 }, () => Array.from({ length: 8 }, () => 1)));
    expect(createDieModel(DEFAULT_PROFILE, w).kernel).toBe('wasm');
  });

  const weights = matrixFromRows(Array.from({ length: 4 }, () => [1, -1]));
  const tiny = { ...DEFAULT_PROFILE, rows: 4, outputs: 2 };
  it.each([
    [[0, 256, 0, 0], /vector 0, row 1: input 256 is outside 0..255/],
    [[0, 0, -1, 0], /vector 0, row 2: input -1 is outside 0..255/],
  ])('refuses the input vector %j', (x, message) => {
    const model = createDieModel(tiny, weights);
    expect(() => model.evaluate(matrixFromRows([x]), { mode: 'dcim' })).toThrow(message);
  });
  it('refuses weights out of range and of the wrong shape', () => {
    expect(() =>
      createDieModel(
        tiny,
        matrixFromRows([
          [1, 128],
          [0, 0],
          [0, 0],
          [0, 0],
        ]),
      ),
    ).toThrow(/row 0, output 1: 128 is outside -128..127/);
    expect(() => createDieModel(tiny, matrixFromRows([[1, 1]]))).toThrow(/weights are 1 x 2, the profile needs 4 x 2/);
  });
  it('refuses a vector of the wrong length', () => {
    const model = createDieModel(tiny, weights);
    expect(() => model.evaluate(matrixFromRows([[1, 2, 3]]), { mode: 'dcim' })).toThrow(/3 inputs, the profile has 4 rows/);
  });
});
