// Standard workloads (spec sections 5 and 6): a weight set and a vector set from a kind and a seed.
// Weights and vectors draw from separate PRNG streams, so the weights of a seed do not depend on
// how many vectors are asked for.
import { inputRange, intMatrix, weightRange, type IntMatrix } from '../model/matrix';
import type { DieProfile } from '../model/profile';
import { contentHash } from './content-hash';
import { createPrng, type Prng } from './prng';

export const WORKLOAD_KINDS = ['relu', 'uniform', 'corners', 'walking', 'ramp'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export interface WorkloadSpec {
  readonly kind: WorkloadKind;
  readonly vectors: number;
  readonly seed: number;
}

export interface Workload {
  readonly spec: WorkloadSpec;
  readonly weights: IntMatrix;
  readonly vectors: IntMatrix;
  readonly weightsHash: string;
  readonly vectorsHash: string;
}

const WEIGHT_STREAM = 1;
const VECTOR_STREAM = 2;
export const MAX_WORKLOAD_VECTORS = 50_000_000;

export function isWorkloadKind(value: string): value is WorkloadKind {
  return (WORKLOAD_KINDS as readonly string[]).includes(value);
}

interface Bounds {
  readonly rows: number;
  readonly outputs: number;
  readonly xMax: number;
  readonly wMin: number;
  readonly wMax: number;
  readonly inputBits: number;
  readonly weightBits: number;
}

function bounds(p: DieProfile): Bounds {
  const [wMin, wMax] = weightRange(p.weightBits);
  return { rows: p.rows, outputs: p.outputs, xMax: inputRange(p.inputBits)[1], wMin, wMax, inputBits: p.inputBits, weightBits: p.weightBits };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function fill(m: IntMatrix, value: (row: number, col: number) => number): IntMatrix {
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) m.data[r * m.cols + c] = value(r, c);
  return m;
}

// relu, at the default widths exactly spec section 6: x = min(255, round(max(0, g) * 64)),
// w = clamp(round(g * 32), -127, 127). Other widths scale by 2^(BX-2) and 2^(BW-3).
function reluWeights(b: Bounds, rng: Prng): IntMatrix {
  const scale = 2 ** (b.weightBits - 3);
  return fill(intMatrix(b.rows, b.outputs), () => clamp(Math.round(rng.nextNormal() * scale), -b.wMax, b.wMax));
}
function reluVectors(b: Bounds, t: number, rng: Prng): IntMatrix {
  const scale = 2 ** (b.inputBits - 2);
  return fill(intMatrix(t, b.rows), () => Math.min(b.xMax, Math.round(Math.max(0, rng.nextNormal()) * scale)));
}

function uniformWeights(b: Bounds, rng: Prng): IntMatrix {
  return fill(intMatrix(b.rows, b.outputs), () => rng.nextInt(b.wMin, b.wMax));
}
function uniformVectors(b: Bounds, t: number, rng: Prng): IntMatrix {
  return fill(intMatrix(t, b.rows), () => rng.nextInt(0, b.xMax));
}

// corners (spec section 5 item 1): columns of all-min and all-max weights, alternating min/max,
// and random; vectors all zeros, all max, all ones, alternating, each row alone at max, then random.
function cornerWeights(b: Bounds, rng: Prng): IntMatrix {
  return fill(intMatrix(b.rows, b.outputs), (r, m) => {
    switch (m % 4) {
      case 0:
        return b.wMin;
      case 1:
        return b.wMax;
      case 2:
        return r % 2 === 0 ? b.wMin : b.wMax;
      default:
        return rng.nextInt(b.wMin, b.wMax);
    }
  });
}
function cornerVectors(b: Bounds, t: number, rng: Prng): IntMatrix {
  const fixed: ((r: number) => number)[] = [() => 0, () => b.xMax, () => 1, (r) => (r % 2 === 0 ? b.xMax : 0)];
  return fill(intMatrix(t, b.rows), (v, r) => {
    if (v < fixed.length) return (fixed[v] as (r: number) => number)(r);
    const walk = v - fixed.length;
    if (walk < b.rows) return r === walk ? b.xMax : 0;
    return rng.nextInt(0, b.xMax);
  });
}

// walking ones: vector v sets the single input bit (v mod BX) of row floor(v / BX) mod N, so
// every input bit line is exercised alone against random weights.
function walkingVectors(b: Bounds, t: number): IntMatrix {
  return fill(intMatrix(t, b.rows), (v, r) => (r === Math.floor(v / b.inputBits) % b.rows ? 2 ** (v % b.inputBits) : 0));
}

// ADC ramp (spec section 5 item 3): vector v activates rows 0..P-1 with x = 1 (input plane 0),
// P = v mod (N+1). Output m holds the weight with only bit j = m mod BW set, so plane (0, j) of
// output m ramps through every popcount 0..N and every other plane of that MAC is zero.
function rampWeights(b: Bounds): IntMatrix {
  return fill(intMatrix(b.rows, b.outputs), (_, m) => {
    const j = m % b.weightBits;
    return j === b.weightBits - 1 ? b.wMin : 2 ** j;
  });
}
function rampVectors(b: Bounds, t: number): IntMatrix {
  return fill(intMatrix(t, b.rows), (v, r) => (r < v % (b.rows + 1) ? 1 : 0));
}

export function generateWorkload(profile: DieProfile, spec: WorkloadSpec): Workload {
  if (!Number.isInteger(spec.vectors) || spec.vectors < 1 || spec.vectors > MAX_WORKLOAD_VECTORS) {
    throw new RangeError(`vectors must be an integer in 1..${MAX_WORKLOAD_VECTORS}, got ${spec.vectors}`);
  }
  const b = bounds(profile);
  const wRng = createPrng(spec.seed, WEIGHT_STREAM);
  const xRng = createPrng(spec.seed, VECTOR_STREAM);
  const t = spec.vectors;
  let weights: IntMatrix;
  let vectors: IntMatrix;
  switch (spec.kind) {
    case 'relu':
      weights = reluWeights(b, wRng);
      vectors = reluVectors(b, t, xRng);
      break;
    case 'uniform':
      weights = uniformWeights(b, wRng);
      vectors = uniformVectors(b, t, xRng);
      break;
    case 'corners':
      weights = cornerWeights(b, wRng);
      vectors = cornerVectors(b, t, xRng);
      break;
    case 'walking':
      weights = uniformWeights(b, wRng);
      vectors = walkingVectors(b, t);
      break;
    case 'ramp':
      weights = rampWeights(b);
      vectors = rampVectors(b, t);
      break;
  }
  return { spec, weights, vectors, weightsHash: contentHash(weights), vectorsHash: contentHash(vectors) };
}
