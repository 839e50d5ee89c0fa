// Spec section 3, worked examples 1 and 2, to the digit the spec gives.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, parseDieProfile } from '../../shared/model/profile';
import { evaluateRows, perOutput } from './helpers';

const tiny = parseDieProfile({ rows: 4, outputs: 2, inputBits: 8, weightBits: 8, adcBits: 3 });
const x1 = [200, 17, 255, 0];
// weights are rows x outputs: column 0 = [-128, 127, 64, -3], column 1 = [5, -1, 100, -77]
const w1 = [
  [-128, 5],
  [127, -1],
  [64, 100],
  [-3, -77],
];

describe('worked example 1 (N=4, M=2, B=3)', () => {
  it('dcim: D equals exact, all 64 planes digital', () => {
    const b = evaluateRows(tiny, w1, [x1], { mode: 'dcim' });
    expect(perOutput(b, 'exact')).toEqual([-7121, 26483]);
    expect(perOutput(b, 'digital')).toEqual([-7121, 26483]);
    expect(perOutput(b, 'analog')).toEqual([0, 0]);
    expect(perOutput(b, 'yhat')).toEqual([-7121, 26483]);
    expect(perOutput(b, 'nDigital')).toEqual([64, 64]);
  });

  it('acim: all 64 planes analog', () => {
    const b = evaluateRows(tiny, w1, [x1], { mode: 'acim' });
    expect(perOutput(b, 'digital')).toEqual([0, 0]);
    expect(perOutput(b, 'analog')).toEqual([-14242, 52966]);
    const yhat = perOutput(b, 'yhat');
    expect(yhat[0]).toBeCloseTo(-8138.2857, 4);
    expect(yhat[1]).toBeCloseTo(30266.2857, 4);
    expect(perOutput(b, 'nAnalog')).toEqual([64, 64]);
  });

  it('hcim b=10 t=2', () => {
    const b = evaluateRows(tiny, w1, [x1], { mode: 'hcim', boundary: 10, skip: 2 });
    expect(perOutput(b, 'digital')).toEqual([-9216, 21504]);
    expect(perOutput(b, 'analog')).toEqual([4184, 9952]);
    const yhat = perOutput(b, 'yhat');
    expect(yhat[0]).toBeCloseTo(-6825.1429, 4);
    expect(yhat[1]).toBeCloseTo(27190.8571, 4);
    expect(perOutput(b, 'nDigital')).toEqual([15, 15]);
    expect(perOutput(b, 'nAnalog')).toEqual([46, 46]);
    expect(perOutput(b, 'nSkipped')).toEqual([3, 3]);
  });
});

describe('worked example 2 (default profile)', () => {
  const x2 = Array.from({ length: 256 }, (_, r) => (73 * r + 19) % 256);
  const w2 = Array.from({ length: 256 }, (_, r) => Array.from({ length: 8 }, (_, m) => ((37 * r + 11 * m) % 255) - 127));

  it('osa: saliency, level, D, A and plane counts', () => {
    const b = evaluateRows(DEFAULT_PROFILE, w2, [x2], { mode: 'osa' });
    expect(perOutput(b, 'exact')).toEqual([245608, 243823, 190018, 149473, 159418, 182623, 153808, 156868]);
    expect(perOutput(b, 'saliency')).toEqual([20480, -22528, -81920, -124928, -120832, -110592, -131072, -126976]);
    expect(perOutput(b, 'level')).toEqual([3, 2, 0, 0, 0, 0, 0, 0]);
    expect(perOutput(b, 'digital')).toEqual([148736, 51200, -325632, -356352, -350208, -346112, -368640, -356352]);
    expect(perOutput(b, 'analog')).toEqual([24136, 47824, 127696, 124064, 126080, 129728, 128672, 126048]);
    expect(perOutput(b, 'nDigital').slice(0, 3)).toEqual([28, 21, 10]);
    expect(perOutput(b, 'nAnalog').slice(0, 3)).toEqual([36, 43, 44]);
    expect(perOutput(b, 'nSkipped').slice(0, 3)).toEqual([0, 0, 10]);
    // energy: nD*eD + nA*eA + eSal
    expect(perOutput(b, 'energyPj')[0]).toBeCloseTo(28 * 0.8 + 36 * 0.28 + 1.9, 10);
  });

  it('hcim b=9 t=0', () => {
    const b = evaluateRows(DEFAULT_PROFILE, w2, [x2], { mode: 'hcim', boundary: 9, skip: 0 });
    expect(perOutput(b, 'digital')).toEqual([69632, 51200, 5120, -22016, -13312, -9728, -34304, -16384]);
    expect(perOutput(b, 'analog')).toEqual([43592, 47824, 45524, 42420, 42896, 47570, 46508, 42872]);
    expect(perOutput(b, 'level')).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });
});
