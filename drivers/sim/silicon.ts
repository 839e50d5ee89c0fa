// The silicon of a simulated die (spec section 4): SRAM with stuck cells, ADCs with noise and
// per-column gain and offset, rails with a process factor, leakage and measurement noise, and a
// die temperature. The digital path is exact: only defects make it differ from the model.
import { planeGeometry, type PlaneGeometry } from '../../shared/model/geometry';
import { levelPlans } from '../../shared/model/level-plans';
import { intMatrix } from '../../shared/model/matrix';
import { resolveMode } from '../../shared/model/modes';
import { createPlanePopcounter, type PlanePopcounter } from '../../shared/model/plane-popcounts';
import { boardProfile, allocateResultBlock, type ResultBlock } from '../../shared/protocol/data-blocks';
import type { BoardCapabilities, BoardRunConfig, Rail } from '../../shared/protocol/payloads';
import { createPrng, seedState } from '../../shared/workload/prng';
import type { DieConfig } from './die-config';

const DIE_STREAM = 101;
const NOISE_STREAM = 102;

export interface BurstPower {
  readonly burstUs: number;
  readonly dieTempC: number;
  readonly railMw: Record<Rail, number>;
}

export interface SiliconRun extends BurstPower {
  readonly results: ResultBlock;
}

/** A run whose results are evaluated on demand (see SimDie.startRun). */
export interface LazyRun extends BurstPower {
  /** results in the run: count x repeat, or fewer when aborted */
  readonly total: number;
  /** results from..from+count-1, as a block of `count` (indexed from 0), evaluated if need be */
  block(from: number, count: number): ResultBlock;
  /** every result evaluated */
  readonly complete: boolean;
  /** take a copy of the run's vectors: the vector memory is about to be overwritten */
  keepVectors(): void;
}

/** Results evaluated together: a few milliseconds of the die model, a few RES? lines. */
export const RESULT_CHUNK = 256;

export class SimDie {
  readonly geometry: PlaneGeometry;
  private readonly sram: Int32Array;
  private readonly stuckOne: Int32Array;
  private readonly stuckZero: Int32Array;
  private readonly gain: Float64Array;
  private readonly offset: Float64Array;
  private readonly process: Record<Rail, number>;
  private readonly noise: NoiseStream;
  private popcounter: PlanePopcounter | null = null;
  /** vectors whose plane popcounts and codes were evaluated, for tests of how work is spread */
  evaluatedVectors = 0;

  constructor(readonly config: DieConfig) {
    const p = config.profile;
    this.geometry = planeGeometry(p);
    this.sram = new Int32Array(p.rows * p.outputs);
    this.stuckOne = new Int32Array(p.rows * p.outputs);
    this.stuckZero = new Int32Array(p.rows * p.outputs);
    for (const c of config.stuckCells) {
      const m = Math.floor(c.column / p.weightBits);
      const bit = 1 << (c.column % p.weightBits);
      const cells = c.value === 1 ? this.stuckOne : this.stuckZero;
      const at = c.row * p.outputs + m;
      cells[at] = (cells[at] as number) | bit;
    }
    const die = createPrng(config.seed, DIE_STREAM);
    const columns = p.outputs * p.weightBits;
    this.gain = Float64Array.from({ length: columns }, () => 1 + config.columnGainSigma * die.nextNormal());
    this.offset = Float64Array.from({ length: columns }, () => config.columnOffsetSigma * die.nextNormal());
    this.process = {
      VDD_DIG: 1 + config.processSigma * die.nextNormal(),
      VDD_ANA: 1 + config.processSigma * die.nextNormal(),
      VDD_SRAM: 1 + config.processSigma * die.nextNormal(),
    };
    this.noise = NoiseStream.create(config.seed, NOISE_STREAM);
    this.powerUp();
  }

  get capabilitiesGeometry(): Pick<BoardCapabilities, 'rows' | 'outputs' | 'inputBits' | 'weightBits' | 'adcBits'> {
    const p = this.config.profile;
    return { rows: p.rows, outputs: p.outputs, inputBits: p.inputBits, weightBits: p.weightBits, adcBits: p.adcBits };
  }

  /** SRAM content after power-up or reset: every cell 0, but for the stuck ones. */
  powerUp(): void {
    this.sram.fill(0);
    this.writeWeights(0, this.config.profile.rows, new Int32Array(this.sram.length));
  }

  /** Write rows of weights (row-major, M per row); stuck cells keep their value. */
  writeWeights(firstRow: number, rows: number, values: Int32Array): void {
    const { outputs, weightBits: bw } = this.config.profile;
    const mask = 2 ** bw - 1;
    for (let k = 0; k < rows * outputs; k++) {
      const at = firstRow * outputs + k;
      let u = (values[k] as number) & mask;
      u = (u & ~(this.stuckZero[at] as number)) | (this.stuckOne[at] as number);
      this.sram[at] = u >= 2 ** (bw - 1) ? u - 2 ** bw : u;
    }
    this.popcounter = null;
  }

  readWeights(firstRow: number, rows: number): Int32Array {
    const { outputs } = this.config.profile;
    return this.sram.slice(firstRow * outputs, (firstRow + rows) * outputs);
  }

  /** Run the `count` vectors over and over until `total` results (repeat * count, or fewer when aborted). */
  run(vectors: Int32Array, count: number, total: number, runConfig: BoardRunConfig): SiliconRun {
    const lazy = this.startRun(vectors, count, total, runConfig);
    return { results: lazy.block(0, total), burstUs: lazy.burstUs, dieTempC: lazy.dieTempC, railMw: lazy.railMw };
  }

  /**
   * A run whose report is ready at once and whose results are evaluated when asked for.
   *
   * What the report needs is cheap: each MAC's level (from the saliency, a sparse sum over the
   * few rows with a salient input bit set), hence the rail energy, and the noise draws of the
   * temperature and power readings, which come after every ADC draw of the run: the noise stream
   * jumps over those ADC draws (GF(2) polynomial jump), so a host gets the report in the burst
   * time however long the die model takes. The plane popcounts, digital sums and ADC codes are
   * evaluated per chunk of vectors, each chunk from its own place in the noise stream, so the
   * results are the same to the bit as an evaluation of every vector in order.
   */
  startRun(vectors: Int32Array, count: number, total: number, runConfig: BoardRunConfig): LazyRun {
    const p = boardProfile(this.capabilitiesGeometry as BoardCapabilities, runConfig, this.config.profile.energy);
    const { rows, outputs, weightBits: bw, inputBits: bx } = p;
    const geometry = planeGeometry(p);
    const { planes, planeWeight, saliencyPlane } = geometry;
    const resolved = resolveMode(p, { mode: runConfig.mode, boundary: runConfig.boundary, skip: runConfig.skip });
    const plans = levelPlans(p, geometry, resolved.fixed);
    const fixedLevel = resolved.fixed ? plans.levels - 1 : -1;
    this.popcounter ??= createPlanePopcounter(p, intMatrix(rows, outputs, this.sram));

    // the level of each distinct vector's MACs; in osa the saliency is exact, as on silicon
    const vectorLevel = new Uint8Array(count * outputs).fill(fixedLevel < 0 ? 0 : fixedLevel);
    const saliency = fixedLevel < 0 ? this.saliencies(vectors, count, p.salientInputBits, saliencyPlane, planeWeight) : null;
    if (saliency) {
      for (let mac = 0; mac < count * outputs; mac++) {
        let level = 0;
        const sal = saliency[mac] as number;
        while (level < p.thresholds.length && sal > (p.thresholds[level] as number)) level++;
        vectorLevel[mac] = level;
      }
    }

    // rail energy, summed in the order of the eager evaluation (the same float result), and where
    // each chunk's ADC draws start in the noise stream
    const chunks = Math.ceil(total / RESULT_CHUNK);
    const drawsBefore = new Float64Array(chunks + 1);
    let draws = 0;
    let digitalPj = 0;
    let analogPj = 0;
    for (let n = 0; n < total; n++) {
      if (n % RESULT_CHUNK === 0) drawsBefore[n / RESULT_CHUNK] = draws;
      const v = (n % count) * outputs;
      for (let m = 0; m < outputs; m++) {
        const level = vectorLevel[v + m] as number;
        const nD = plans.nDigital[level] as number;
        const nA = plans.nAnalog[level] as number;
        digitalPj += nD * p.energy.digitalPlanePj + (fixedLevel < 0 ? p.energy.saliencyPj : 0);
        analogPj += nA * p.energy.analogPlanePj;
        draws += nA;
      }
    }
    drawsBefore[chunks] = draws;
    const runNoise = this.noise.clone();
    this.noise.skipNormals(draws);
    const burstUs = (total * bx) / p.clockMHz;
    const power = this.burstPower(burstUs, { VDD_DIG: digitalPj, VDD_ANA: analogPj, VDD_SRAM: total * this.config.sramPjPerVector });

    const popcounter = this.popcounter;
    const { gain, offset } = this;
    const sigma = this.config.adcNoise;
    const { adcTop } = geometry;
    const evaluated: (ResultBlock | undefined)[] = new Array<ResultBlock | undefined>(chunks);
    let evaluatedChunks = 0;
    let source = vectors;
    const pc = new Int32Array(outputs * planes);
    const chunk = (c: number): ResultBlock => {
      const known = evaluated[c];
      if (known) return known;
      const noise = runNoise.clone();
      noise.skipNormals(drawsBefore[c] as number);
      const first = c * RESULT_CHUNK;
      const block = allocateResultBlock(first, Math.min(total, first + RESULT_CHUNK) - first, outputs, planes);
      for (let k = 0; k < block.count; k++) {
        const n = first + k;
        popcounter.popcounts(source, (n % count) * rows, pc);
        const v = (n % count) * outputs;
        for (let m = 0; m < outputs; m++) {
          const mac = k * outputs + m;
          const base = m * planes;
          const level = vectorLevel[v + m] as number;
          const order = level * planes;
          const nD = plans.nDigital[level] as number;
          const nA = plans.nAnalog[level] as number;
          let d = 0;
          for (let q = order; q < order + nD; q++) {
            const pl = plans.planeOrder[q] as number;
            d += (planeWeight[pl] as number) * (pc[base + pl] as number);
          }
          for (let q = order + nD; q < order + nD + nA; q++) {
            const pl = plans.planeOrder[q] as number;
            const col = m * bw + (geometry.weightBit[pl] as number);
            const a = ((pc[base + pl] as number) / rows) * (gain[col] as number) + (offset[col] as number) + sigma * noise.nextNormal();
            block.codes[mac * planes + pl] = Math.min(adcTop, Math.max(0, Math.round(a * adcTop)));
          }
          block.digital[mac] = d;
          if (saliency) {
            block.saliency[mac] = saliency[v + m] as number;
            block.level[mac] = level;
          }
        }
      }
      evaluated[c] = block;
      evaluatedChunks++;
      this.evaluatedVectors += block.count;
      return block;
    };
    return {
      total,
      ...power,
      block: (from, n) => {
        const out = allocateResultBlock(from, n, outputs, planes);
        for (let at = from; at < from + n;) {
          const c = Math.floor(at / RESULT_CHUNK);
          const src = chunk(c);
          const upTo = Math.min(from + n, src.first + src.count);
          const [a, b, o] = [(at - src.first) * outputs, (upTo - src.first) * outputs, (at - from) * outputs];
          out.digital.set(src.digital.subarray(a, b), o);
          out.saliency.set(src.saliency.subarray(a, b), o);
          out.level.set(src.level.subarray(a, b), o);
          out.codes.set(src.codes.subarray(a * planes, b * planes), o * planes);
          at = upTo;
        }
        return out;
      },
      get complete() {
        return evaluatedChunks === chunks;
      },
      keepVectors: () => {
        if (source === vectors) source = vectors.slice(0, count * rows);
      },
    };
  }

  /**
   * The OSA saliency of every MAC of `count` vectors: the sum over the saliency planes (input bit
   * i, weight bit j) of s_j 2^(i+j) P_ij, as the model has it. Integers, hence exact in any order:
   * here a few rows at a time, through a table of what each pattern of their salient input bits
   * adds to each output (the rows' salient bits are few: 256 patterns at most).
   */
  private saliencies(vectors: Int32Array, count: number, sx: number, saliencyPlane: Uint8Array, planeWeight: Float64Array): Float64Array {
    const { rows, outputs, inputBits: bx, weightBits: bw } = this.config.profile;
    const out = new Float64Array(count * outputs);
    if (sx === 0) return out;
    const group = Math.max(1, Math.floor(8 / sx)); // rows per table lookup
    const groups = Math.ceil(rows / group);
    const patterns = 2 ** (group * sx);
    // table[(g * patterns + pattern) * outputs + m]; pattern holds sx bits per row of the group
    const table = new Float64Array(groups * patterns * outputs);
    const rowPart = new Float64Array(outputs);
    for (let g = 0; g < groups; g++) {
      for (let pattern = 1; pattern < patterns; pattern++) {
        // a pattern adds, to the one without its lowest set bit, that bit's row and input bit
        const low = 31 - Math.clz32(pattern & -pattern);
        const r = g * group + Math.floor(low / sx);
        const i = bx - sx + (low % sx);
        rowPart.fill(0);
        if (r < rows) {
          for (let m = 0; m < outputs; m++) {
            const u = (this.sram[r * outputs + m] as number) & (2 ** bw - 1);
            for (let j = 0; j < bw; j++) if (saliencyPlane[i * bw + j] === 1 && (u >> j) & 1) rowPart[m] = (rowPart[m] as number) + (planeWeight[i * bw + j] as number);
          }
        }
        const at = (g * patterns + pattern) * outputs;
        const from = (g * patterns + (pattern & (pattern - 1))) * outputs;
        for (let m = 0; m < outputs; m++) table[at + m] = (table[from + m] as number) + (rowPart[m] as number);
      }
    }
    const shift = bx - sx;
    const tail = rows - (groups - 1) * group; // rows in the last group
    for (let n = 0; n < count; n++) {
      // the outputs summed in locals (V8 keeps them in registers) when there are eight, as on the die
      let a0 = 0,
        a1 = 0,
        a2 = 0,
        a3 = 0,
        a4 = 0,
        a5 = 0,
        a6 = 0,
        a7 = 0;
      const o = n * outputs;
      for (let g = 0, r = n * rows; g < groups; g++, r += group) {
        let pattern = 0;
        for (let k = 0, end = g === groups - 1 ? tail : group; k < end; k++) pattern |= ((vectors[r + k] as number) >> shift) << (k * sx);
        if (pattern === 0) continue;
        const at = (g * patterns + pattern) * outputs;
        if (outputs === 8) {
          a0 += table[at] as number;
          a1 += table[at + 1] as number;
          a2 += table[at + 2] as number;
          a3 += table[at + 3] as number;
          a4 += table[at + 4] as number;
          a5 += table[at + 5] as number;
          a6 += table[at + 6] as number;
          a7 += table[at + 7] as number;
        } else for (let m = 0; m < outputs; m++) out[o + m] = (out[o + m] as number) + (table[at + m] as number);
      }
      if (outputs === 8) {
        out[o] = a0;
        out[o + 1] = a1;
        out[o + 2] = a2;
        out[o + 3] = a3;
        out[o + 4] = a4;
        out[o + 5] = a5;
        out[o + 6] = a6;
        out[o + 7] = a7;
      }
    }
    return out;
  }

  /** Average rail power over a burst: dynamic energy x process factor + leakage at the die temperature, measured with noise. */
  burstPower(burstUs: number, dynamicPj: Record<Rail, number>): BurstPower {
    const c = this.config;
    const dynamicMw = (rail: Rail) => (burstUs > 0 ? ((dynamicPj[rail] * this.process[rail]) / burstUs) * 1e-3 : 0);
    const rails: Rail[] = ['VDD_DIG', 'VDD_ANA', 'VDD_SRAM'];
    const heat = rails.reduce((s, r) => s + dynamicMw(r) + c.leakageMw[r], 0);
    const dieTempC = c.ambientC + c.thermalCPerMw * heat + 0.05 * this.noise.nextNormal();
    const leak = 2 ** ((dieTempC - 25) / 20);
    const railMw = Object.fromEntries(
      rails.map((r) => [r, Math.max(0, (dynamicMw(r) + c.leakageMw[r] * leak) * (1 + c.powerNoise * this.noise.nextNormal()))]),
    ) as Record<Rail, number>;
    return { burstUs, dieTempC, railMw };
  }
}

// ---- the noise stream ---------------------------------------------------------------------------

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** One step of xoshiro128**'s linear engine on a state (a, b, c, d). */
function step(s: Int32Array): void {
  const [a, b, c0, d0] = s as unknown as [number, number, number, number];
  const t = b << 9;
  const c = c0 ^ a;
  const d = d0 ^ b;
  s[1] = b ^ c;
  s[0] = a ^ d;
  s[2] = c ^ t;
  s[3] = rotl(d, 11);
}

/**
 * The characteristic polynomial of the engine over GF(2) (degree 128, as a bigint with bit k the
 * coefficient of x^k), found by Berlekamp-Massey from one state bit's sequence.
 */
let characteristic: bigint | null = null;
function engineCharacteristic(): bigint {
  if (characteristic !== null) return characteristic;
  const s = Int32Array.of(1, 2, 3, 4);
  const seq: number[] = [];
  for (let t = 0; t < 256; t++) {
    seq.push((s[0] as number) & 1);
    step(s);
  }
  // connection polynomial C (c[0] = 1) of the shortest LFSR that makes the sequence
  let c = [1];
  let b = [1];
  let l = 0;
  let m = 1;
  for (let n = 0; n < seq.length; n++) {
    let d = seq[n] as number;
    for (let i = 1; i <= l; i++) d ^= (c[i] ?? 0) & (seq[n - i] as number);
    if (d === 0) {
      m++;
      continue;
    }
    const prev = c.slice();
    const next = c.slice();
    for (let i = 0; i < b.length; i++) next[i + m] = (next[i + m] ?? 0) ^ (b[i] as number);
    c = next;
    if (2 * l <= n) {
      l = n + 1 - l;
      b = prev;
      m = 1;
    } else m++;
  }
  if (l !== 128) throw new Error(`noise stream: linear complexity ${l}, expected 128`);
  let poly = 0n;
  for (let i = 0; i <= l; i++) if ((c[i] ?? 0) === 1) poly |= 1n << BigInt(l - i);
  characteristic = poly;
  return poly;
}

/** x^n mod P over GF(2). */
function xPowMod(n: number, poly: bigint): bigint {
  const top = 1n << 128n;
  const mulMod = (x: bigint, y: bigint): bigint => {
    let r = 0n;
    for (let k = 127; k >= 0; k--) {
      r <<= 1n;
      if (r & top) r ^= poly;
      if ((y >> BigInt(k)) & 1n) r ^= x;
    }
    return r;
  };
  let r = 1n;
  for (const bit of BigInt(n).toString(2)) {
    r = mulMod(r, r);
    if (bit === '1') {
      r <<= 1n;
      if (r & top) r ^= poly;
    }
  }
  return r;
}

/**
 * The die's noise: exactly the stream of shared/workload/prng's createPrng(seed, stream) (the
 * same seeding, xoshiro128** and Box-Muller with its spare), plus what that one cannot do: copy
 * itself and jump over any number of normal deviates without drawing them.
 */
export class NoiseStream {
  private constructor(
    private readonly s: Int32Array,
    private spare: number | null,
  ) {}

  static create(seed: number, stream: number): NoiseStream {
    const s = Int32Array.of(...seedState(seed, stream));
    if (((s[0] as number) | (s[1] as number) | (s[2] as number) | (s[3] as number)) === 0) s[0] = 1;
    return new NoiseStream(s, null);
  }

  clone(): NoiseStream {
    return new NoiseStream(this.s.slice(), this.spare);
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s[1] as number, 5), 7), 9) >>> 0;
    step(this.s);
    return result;
  }

  nextFloat(): number {
    return ((this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6)) / 9007199254740992;
  }

  nextNormal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const u1 = 1 - this.nextFloat();
    const u2 = this.nextFloat();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Where the stream would be after `n` nextNormal() calls. */
  skipNormals(n: number): void {
    let left = n;
    if (left > 0 && this.spare !== null) {
      this.spare = null;
      left--;
    }
    const pairs = Math.floor(left / 2);
    if (pairs > 0) this.jump(4 * pairs); // a pair of deviates takes two floats, four words
    if (left % 2 === 1) this.nextNormal();
  }

  /** Advance the engine by `steps` steps: T^steps = sum of r_k T^k, r = x^steps mod P. */
  private jump(steps: number): void {
    if (steps < 256) {
      for (let k = 0; k < steps; k++) step(this.s);
      return;
    }
    const r = xPowMod(steps, engineCharacteristic());
    const acc = new Int32Array(4);
    for (let k = 0; k < 128; k++) {
      if ((r >> BigInt(k)) & 1n) for (let w = 0; w < 4; w++) acc[w] = (acc[w] as number) ^ (this.s[w] as number);
      step(this.s);
    }
    this.s.set(acc);
  }
}
