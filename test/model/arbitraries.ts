// fast-check generators of die profiles and of inputs that fit them.
import fc from 'fast-check';
import { parseDieProfile, type DieProfile } from '../../shared/model/profile';
import type { ModeConfig } from '../../shared/model/modes';

/** A random but valid small profile: the model must be exact on every one, not only the default. */
export const profileArb: fc.Arbitrary<DieProfile> = fc
  .record({
    rows: fc.integer({ min: 1, max: 40 }),
    outputs: fc.integer({ min: 1, max: 4 }),
    inputBits: fc.integer({ min: 1, max: 9 }),
    weightBits: fc.integer({ min: 2, max: 9 }),
    adcBits: fc.integer({ min: 1, max: 8 }),
    levelCount: fc.integer({ min: 1, max: 4 }),
    salFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    seedLevels: fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 4, maxLength: 4 }),
    seedThresholds: fc.uniqueArray(fc.integer({ min: -5000, max: 5000 }), { minLength: 3, maxLength: 3 }),
  })
  .map((r) => {
    const top = r.inputBits + r.weightBits - 1;
    const levels = r.seedLevels.slice(0, r.levelCount).map(([a, b]) => {
      const boundary = a % (top + 1);
      return { boundary, skip: b % (boundary + 1) };
    });
    const thresholds = [...r.seedThresholds].sort((a, b) => a - b).slice(0, r.levelCount - 1);
    return parseDieProfile({
      rows: r.rows,
      outputs: r.outputs,
      inputBits: r.inputBits,
      weightBits: r.weightBits,
      adcBits: r.adcBits,
      salientInputBits: Math.round(r.salFraction * r.inputBits),
      levels,
      thresholds,
    });
  });

export function weightsArb(p: DieProfile): fc.Arbitrary<number[][]> {
  const half = 2 ** (p.weightBits - 1);
  return fc.array(fc.array(fc.integer({ min: -half, max: half - 1 }), { minLength: p.outputs, maxLength: p.outputs }), {
    minLength: p.rows,
    maxLength: p.rows,
  });
}

export function vectorsArb(p: DieProfile, maxVectors = 4): fc.Arbitrary<number[][]> {
  const top = 2 ** p.inputBits - 1;
  // bias toward the corners, where carries and rounding go wrong first
  const x = fc.oneof(fc.integer({ min: 0, max: top }), fc.constantFrom(0, top, 1, top >> 1));
  return fc.array(fc.array(x, { minLength: p.rows, maxLength: p.rows }), { minLength: 1, maxLength: maxVectors });
}

export function modeArb(p: DieProfile): fc.Arbitrary<ModeConfig> {
  const top = p.inputBits + p.weightBits - 1;
  return fc.oneof(
    fc.constant<ModeConfig>({ mode: 'dcim' }),
    fc.constant<ModeConfig>({ mode: 'acim' }),
    fc.constant<ModeConfig>({ mode: 'osa' }),
    fc.integer({ min: 0, max: top }).chain((b) => fc.integer({ min: 0, max: b }).map((t): ModeConfig => ({ mode: 'hcim', boundary: b, skip: t }))),
  );
}

/** A profile with weights, vectors and a mode that fit it. */
export const caseArb = profileArb.chain((profile) =>
  fc.record({
    profile: fc.constant(profile),
    weights: weightsArb(profile),
    vectors: vectorsArb(profile),
    config: modeArb(profile),
  }),
);
