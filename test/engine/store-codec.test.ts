import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMeasured, encodeMeasured, type MeasuredValues } from '../../engine/store/block-codec';
import { NOT_ANALOG } from '../../shared/model/mac-batch';
import { MODES } from '../../shared/model/modes';
import { parseDieProfile } from '../../shared/model/profile';
import { resultLayout } from '../../shared/protocol/data-blocks';
import type { BoardCapabilities, BoardRunConfig } from '../../shared/protocol/payloads';

const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Bit for bit: float64 sums compared as bytes, so -0 and NaN payloads count too. */
function expectSame(back: MeasuredValues, v: MeasuredValues): void {
  expect(bytes(back.digital).equals(bytes(v.digital))).toBe(true);
  expect(bytes(back.saliency).equals(bytes(v.saliency))).toBe(true);
  expect(Array.from(back.level)).toEqual(Array.from(v.level));
  expect(bytes(back.codes).equals(bytes(v.codes))).toBe(true);
}

const roundTrip = (v: MeasuredValues, planes: number) => {
  for (const deflate of [true, false]) {
    const back = decodeMeasured(encodeMeasured(v, planes, { deflate }));
    expect(back.planes).toBe(planes);
    expectSame(back, v);
  }
};

const sum = fc.oneof(
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  fc.integer({ min: -(2 ** 52), max: 2 ** 52 }),
  fc.constantFrom(0, -0, 2 ** 31, -(2 ** 31) - 1),
  fc.double(),
);

/** A block as a board lays it out: each MAC's level picks a plane mask, codes at the ADC's width there. */
const maskedBlock = fc
  .record({
    planes: fc.integer({ min: 1, max: 96 }),
    levels: fc.integer({ min: 1, max: 5 }),
    adcBits: fc.integer({ min: 1, max: 12 }),
    macs: fc.integer({ min: 0, max: 300 }),
    saliency: fc.boolean(),
    seed: fc.integer(),
  })
  .chain((s) =>
    fc.record({
      s: fc.constant(s),
      masks: fc.array(fc.uint8Array({ minLength: s.planes, maxLength: s.planes, max: 1 }), { minLength: s.levels, maxLength: s.levels }),
      level: fc.uint8Array({ minLength: s.macs, maxLength: s.macs, max: s.levels - 1 }),
      codes: fc.array(fc.integer({ min: 0, max: 2 ** s.adcBits - 1 }), { minLength: s.macs * s.planes, maxLength: s.macs * s.planes }),
      digital: fc.array(sum, { minLength: s.macs, maxLength: s.macs }),
      saliency: fc.array(sum, { minLength: s.macs, maxLength: s.macs }),
    }),
  )
  .map(({ s, masks, level, codes, digital, saliency }) => {
    const c = Int16Array.from(codes);
    for (let mac = 0; mac < s.macs; mac++) for (let p = 0; p < s.planes; p++) if (!masks[level[mac] as number]![p]) c[mac * s.planes + p] = NOT_ANALOG;
    const v: MeasuredValues = { digital: Float64Array.from(digital), saliency: s.saliency ? Float64Array.from(saliency) : new Float64Array(s.macs), level, codes: c };
    return { v, planes: s.planes };
  });

describe('the block codec', () => {
  it('gives back every measured value bit for bit: any level masks, ADC widths 1..12, any sums', () => {
    fc.assert(
      fc.property(maskedBlock, ({ v, planes }) => roundTrip(v, planes)),
      { numRuns: 300 },
    );
  });

  it('keeps blocks that follow no mask (stray codes, negative codes, a MAC unlike its level) bit for bit', () => {
    const block = fc.record({ planes: fc.integer({ min: 1, max: 80 }), macs: fc.integer({ min: 0, max: 120 }) }).chain((s) =>
      fc.record({
        planes: fc.constant(s.planes),
        level: fc.uint8Array({ minLength: s.macs, maxLength: s.macs }),
        codes: fc.int16Array({ minLength: s.macs * s.planes, maxLength: s.macs * s.planes }),
        digital: fc.array(sum, { minLength: s.macs, maxLength: s.macs }),
      }),
    );
    fc.assert(
      fc.property(block, (b) =>
        roundTrip({ digital: Float64Array.from(b.digital), saliency: new Float64Array(b.digital.length), level: b.level, codes: b.codes }, b.planes),
      ),
      { numRuns: 200 },
    );
  });

  it("keeps every mode's analog-plane layout, on profiles of every width, with repeats", () => {
    const arb = fc
      .record({
        inputBits: fc.integer({ min: 1, max: 8 }),
        weightBits: fc.integer({ min: 2, max: 8 }),
        adcBits: fc.integer({ min: 1, max: 12 }),
        mode: fc.constantFrom(...MODES),
        vectors: fc.integer({ min: 1, max: 40 }),
        repeat: fc.integer({ min: 1, max: 3 }),
        seed: fc.integer({ min: 1, max: 2 ** 30 }),
      })
      .map((s) => {
        const top = s.inputBits + s.weightBits - 1;
        const levels = [
          { boundary: top, skip: Math.min(2, top) },
          { boundary: Math.max(0, top - 1), skip: 0 },
        ];
        const profile = parseDieProfile({
          rows: 16,
          outputs: 3,
          inputBits: s.inputBits,
          weightBits: s.weightBits,
          adcBits: s.adcBits,
          salientInputBits: 1,
          levels,
          thresholds: [0],
        });
        const caps = { rows: 16, outputs: 3, inputBits: s.inputBits, weightBits: s.weightBits, adcBits: s.adcBits } as BoardCapabilities;
        const config = {
          mode: s.mode,
          boundary: s.mode === 'hcim' ? Math.min(1, top) : undefined,
          skip: s.mode === 'hcim' ? 0 : undefined,
          salientInputBits: 1,
          levels,
          thresholds: [0],
        } as unknown as BoardRunConfig;
        return { s, profile, layout: resultLayout(caps, config) };
      });
    fc.assert(
      fc.property(arb, ({ s, layout }) => {
        let x = s.seed;
        const rnd = (n: number) => (x = (x * 1103515245 + 12345) & 0x7fffffff) % n;
        const macs = s.vectors * s.repeat * layout.outputs;
        const level = Uint8Array.from({ length: macs }, () => rnd(layout.levels));
        const codes = new Int16Array(macs * layout.planes).fill(NOT_ANALOG);
        for (let mac = 0; mac < macs; mac++) for (const p of layout.analogPlanes[level[mac] as number]!) codes[mac * layout.planes + p] = rnd(2 ** s.adcBits);
        const saliency = s.mode === 'osa' ? Float64Array.from({ length: macs }, () => rnd(4000) - 2000) : new Float64Array(macs);
        roundTrip({ digital: Float64Array.from({ length: macs }, () => rnd(1 << 20) - (1 << 19)), saliency, level, codes }, layout.planes);
      }),
      { numRuns: 200 },
    );
  });

  it('stores no zeros outside osa and only the analog planes at 8 bits', () => {
    const macs = 1000;
    const planes = 64;
    const level = new Uint8Array(macs);
    const codes = new Int16Array(macs * planes).fill(NOT_ANALOG);
    for (let mac = 0; mac < macs; mac++) for (let p = 0; p < 40; p++) codes[mac * planes + p] = (mac * 7 + p) % 64;
    const raw = encodeMeasured({ digital: new Float64Array(macs).fill(1), saliency: new Float64Array(macs), level, codes }, planes, { deflate: false });
    // header and one mask, int32 digital, no saliency, no levels, 40 one-byte codes per MAC
    expect(raw.length).toBe(2 + 16 + 64 + 4 * macs + 40 * macs);
  });

  it('refuses a blob of a format it does not know', () => {
    const blob = encodeMeasured({ digital: new Float64Array(1), saliency: new Float64Array(1), level: new Uint8Array(1), codes: new Int16Array(1) }, 1);
    blob[0] = 9;
    expect(() => decodeMeasured(blob)).toThrow(/format 9/);
  });
});
