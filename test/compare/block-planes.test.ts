// A block read plane by plane holds what block-codec.ts decodes, value for value: every codec shape
// (codes of 8 and 16 bits per level's mask, raw int16, sums absent, int32 or float64, levels
// stored or not, deflated or not).
import { describe, expect, it } from 'vitest';
import { decodeMeasured, encodeMeasured, type MeasuredValues } from '../../engine/store/block-codec';
import { decodePlanes } from '../../engine/store/block-planes';
import { macMajorCodes } from '../../shared/analysis/plane-codes';
import { NOT_ANALOG } from '../../shared/model/mac-batch';
import { createPrng } from '../../shared/workload/prng';

const PLANES = 16;

/** A block whose level picks which planes are analog: level l converts planes below 4 + 3 l. */
function block(macs: number, seed: number, o: { codeTop?: number; float?: boolean; zeroSums?: boolean; oneLevel?: boolean; misfit?: boolean } = {}): MeasuredValues {
  const prng = createPrng(seed);
  const rnd = () => prng.nextFloat();
  const level = Uint8Array.from({ length: macs }, () => (o.oneLevel ? 0 : Math.floor(rnd() * 4)));
  const codes = new Int16Array(macs * PLANES);
  for (let mac = 0; mac < macs; mac++)
    for (let p = 0; p < PLANES; p++) codes[mac * PLANES + p] = p < 4 + 3 * (level[mac] as number) ? Math.floor(rnd() * ((o.codeTop ?? 63) + 1)) : NOT_ANALOG;
  if (o.misfit) codes[5 * PLANES + 15] = 7; // a plane its level does not convert: no mask fits
  const sums = () => Float64Array.from({ length: macs }, () => (o.zeroSums ? 0 : o.float ? rnd() * 1000 - 500 : Math.floor(rnd() * 2e5) - 1e5));
  return { digital: sums(), saliency: sums(), level, codes };
}

describe('a block read plane by plane', () => {
  // each with the codec's code layout (header byte 9: masked 8-bit 0, masked 16-bit 1, raw int16 2)
  const shapes = {
    'codes of 8 bits per level mask, int32 sums': [block(777, 1), 0],
    'codes of 16 bits': [block(500, 2, { codeTop: 1023 }), 1],
    'raw int16 codes (a MAC off its level mask)': [block(300, 3, { misfit: true }), 2],
    'float64 sums': [block(256, 4, { float: true }), 0],
    'sums all zero, one level (not stored)': [block(200, 5, { zeroSums: true, oneLevel: true }), 0],
  } as const;
  for (const [name, [v, layout]] of Object.entries(shapes)) {
    for (const deflate of [true, false]) {
      it(`${name}${deflate ? ', deflated' : ''}`, () => {
        const blob = encodeMeasured(v, PLANES, { deflate });
        if (!deflate) expect(blob[2 + 9]).toBe(layout);
        const m = decodeMeasured(blob);
        const p = decodePlanes(blob);
        expect(p.macs).toBe(v.level.length);
        expect(p.planes).toBe(PLANES);
        expect(Float64Array.from(p.digital)).toEqual(m.digital);
        expect(Float64Array.from(p.saliency)).toEqual(m.saliency);
        expect(Uint8Array.from(p.level)).toEqual(m.level);
        expect(macMajorCodes(p)).toEqual(m.codes);
        for (let pl = 0; pl < PLANES; pl++) {
          const index = p.index[pl]!;
          expect(index.length).toBe(p.values[pl]!.length);
          for (let k = 1; k < index.length; k++) expect(index[k]!).toBeGreaterThan(index[k - 1]!);
        }
      });
    }
  }
});
