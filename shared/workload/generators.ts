// Standard workloads (spec sections 5 and 6): a weight set and a vector set from a kind and a seed.
// Weights and vectors draw from separate PRNG streams, so the weights of a seed do not depend on
// how many vectors are asked for.
import { inputRange, intMatrix, weightRange, type IntMatrix } from '../model/matrix';
import type { DieProfile } from '../model/profile';
import { contentHash } from './content-hash';
import type { VectorSource } from './vector-source';
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

function uniformWeights(b: Bounds, rng: Prng): IntMatrix {
  return fill(intMatrix(b.rows, b.outputs), () => rng.nextInt(b.wMin, b.wMax));
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

// walking ones: vector v sets the single input bit (v mod BX) of row floor(v / BX) mod N, so
// every input bit line is exercised alone against random weights.

// ADC ramp (spec section 5 item 3): vector v activates rows 0..P-1 with x = 1 (input plane 0),
// P = v mod (N+1). Output m holds the weight with only bit j = m mod BW set, so plane (0, j) of
// output m ramps through every popcount 0..N and every other plane of that MAC is zero.
function rampWeights(b: Bounds): IntMatrix {
  return fill(intMatrix(b.rows, b.outputs), (_, m) => {
    const j = m % b.weightBits;
    return j === b.weightBits - 1 ? b.wMin : 2 ** j;
  });
}

/**
 * The input x[v][r] of each kind, drawn in row-major order (v, then r) from the vector stream's
 * PRNG: called in that order, it yields the same vectors whether they are made at once or streamed.
 */
function vectorElement(kind: WorkloadKind, b: Bounds, rng: Prng): (v: number, r: number) => number {
  switch (kind) {
    // relu, at the default widths exactly spec section 6: x = min(255, round(max(0, g) * 64))
    case 'relu': {
      const scale = 2 ** (b.inputBits - 2);
      return () => Math.min(b.xMax, Math.round(Math.max(0, rng.nextNormal()) * scale));
    }
    case 'uniform':
      return () => rng.nextInt(0, b.xMax);
    // corners (spec section 5 item 1): all zeros, all max, all ones, alternating, each row alone
    // at max, then random
    case 'corners': {
      const fixed: ((r: number) => number)[] = [() => 0, () => b.xMax, () => 1, (r) => (r % 2 === 0 ? b.xMax : 0)];
      return (v, r) => {
        if (v < fixed.length) return (fixed[v] as (r: number) => number)(r);
        const walk = v - fixed.length;
        if (walk < b.rows) return r === walk ? b.xMax : 0;
        return rng.nextInt(0, b.xMax);
      };
    }
    // walking ones: vector v sets the single input bit (v mod BX) of row floor(v / BX) mod N
    case 'walking':
      return (v, r) => (r === Math.floor(v / b.inputBits) % b.rows ? 2 ** (v % b.inputBits) : 0);
    // ADC ramp (spec section 5 item 3): rows 0..P-1 at x = 1 (input plane 0), P = v mod (N+1)
    case 'ramp':
      return (v, r) => (r < v % (b.rows + 1) ? 1 : 0);
  }
}

function workloadWeights(kind: WorkloadKind, b: Bounds, rng: Prng): IntMatrix {
  switch (kind) {
    case 'relu':
      return reluWeights(b, rng);
    case 'corners':
      return cornerWeights(b, rng);
    case 'ramp':
      return rampWeights(b);
    default:
      return uniformWeights(b, rng);
  }
}

function checkSpec(spec: WorkloadSpec): void {
  if (!Number.isInteger(spec.vectors) || spec.vectors < 1 || spec.vectors > MAX_WORKLOAD_VECTORS) {
    throw new RangeError(`vectors must be an integer in 1..${MAX_WORKLOAD_VECTORS}, got ${spec.vectors}`);
  }
}

/** Vectors of a workload, made in order as they are read: a long run never holds them all. */
export class WorkloadVectors implements VectorSource {
  readonly rows: number;
  readonly cols: number;
  private next = 0;
  private element!: (v: number, r: number) => number;

  constructor(
    private readonly profile: DieProfile,
    private readonly spec: WorkloadSpec,
  ) {
    checkSpec(spec);
    this.rows = spec.vectors;
    this.cols = profile.rows;
    this.restart();
  }

  private restart(): void {
    this.element = vectorElement(this.spec.kind, bounds(this.profile), createPrng(this.spec.seed, VECTOR_STREAM));
    this.next = 0;
  }

  /** Vectors first..first+count-1; reading in order is cheap, going back regenerates from the start. */
  read(first: number, count: number): Int32Array {
    if (first < 0 || count < 0 || first + count > this.rows) throw new RangeError(`vectors ${first}..${first + count - 1} outside 0..${this.rows - 1}`);
    if (first < this.next) this.restart();
    const n = this.cols;
    const skip = new Int32Array(n);
    while (this.next < first) {
      for (let r = 0; r < n; r++) skip[r] = this.element(this.next, r);
      this.next++;
    }
    const out = new Int32Array(count * n);
    for (let v = 0; v < count; v++, this.next++) for (let r = 0; r < n; r++) out[v * n + r] = this.element(this.next, r);
    return out;
  }
}

/** A workload's weights (small: made at once) and its vectors as a stream. */
export function workloadSource(profile: DieProfile, spec: WorkloadSpec): { weights: IntMatrix; weightsHash: string; vectors: WorkloadVectors } {
  checkSpec(spec);
  const weights = workloadWeights(spec.kind, bounds(profile), createPrng(spec.seed, WEIGHT_STREAM));
  return { weights, weightsHash: contentHash(weights), vectors: new WorkloadVectors(profile, spec) };
}

export function generateWorkload(profile: DieProfile, spec: WorkloadSpec): Workload {
  const { weights, weightsHash, vectors } = workloadSource(profile, spec);
  const all = intMatrix(spec.vectors, profile.rows, vectors.read(0, spec.vectors));
  return { spec, weights, vectors: all, weightsHash, vectorsHash: contentHash(all) };
}
