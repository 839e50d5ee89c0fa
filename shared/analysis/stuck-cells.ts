// The second pass of a comparison, over a sample of a run's blocks held in memory, with every
// plane popcount P_ij recomputed from the stimulus: each ADC column's line (code against
// P * L / N) and the transfer curve (mean code per popcount), then the stuck SRAM cells. A cell (row r, column m*BW+j) stuck at the value its weight bit was not written with
// adds (stuck at 1) or takes away (stuck at 0) x_i[r] from every plane popcount P_ij of output m.
// It shows in two places:
//
// - the ADC codes of the column's analog planes. For each cell, the codes are held against two
//   predictions through the column's own fitted line, as the column's ADC gives codes on average
//   (its noise and rounding, DitheredAdc): with the cell healthy (P) and with it stuck (P +- x_i[r]).
//   The statistic sum(e*h - h^2/2), e the code less the healthy prediction and h the difference
//   of the two predictions (both centred over the column's conversions), is the log-likelihood
//   ratio of the two (Gaussian noise), so it is positive when the codes sit nearer the stuck
//   prediction; it is reported in standard errors (z) with the share of the stuck cell's effect
//   the codes show (sum(e*h) / sum(h^2): about 1 for a stuck cell, 0 for a healthy one).
// - the exact digital sums. D differs from the model's (at the level the die used) by
//   sum over the stuck cells of its plane weights times x[r] masked to the digital input bits;
//   orthogonal matching pursuit over every (r, j) of an output finds the cells that explain the
//   differences exactly, and what no cell explains is reported as such.
//
// Inputs of different rows are taken as independent (the standard workloads are): rows whose
// inputs move together share a stuck cell's evidence.
import { levelPlans } from '../model/level-plans';
import { NOT_ANALOG } from '../model/mac-batch';
import { resolveMode } from '../model/modes';
import type { AnalysisBlock, AnalysisContext } from './silicon-vs-model';
import { LineFit, normalCdf } from './stats';

export interface ColumnLine {
  readonly gain: number;
  readonly offset: number;
}

export interface StuckCell {
  readonly row: number;
  readonly column: number;
  readonly output: number;
  readonly weightBit: number;
  readonly stuckAt: 0 | 1;
  readonly channel: 'analog' | 'digital' | 'both';
  readonly analogShare: number | null;
  readonly analogZ: number | null;
  readonly analogSamples: number;
  readonly digitalMacs: number;
  /** the codes' mean shift the cell explains, LSB (its part of the column's offset) */
  readonly offsetShareLsb: number;
}

export interface DigitalMismatches {
  readonly output: number;
  readonly macs: number;
  readonly unexplained: number;
  readonly examples: { vector: number; output: number; residual: number }[];
}

export interface FittedLine extends ColumnLine {
  /** spread of the codes about the line, LSB */
  readonly sd: number;
}

export interface StuckCellScanResult {
  readonly cells: StuckCell[];
  readonly digital: DigitalMismatches[];
  /** per column, code = gain * P * L / N + offset (measured LSB), fitted off both ends of the scale; null with too few conversions */
  readonly lines: (FittedLine | null)[];
  /** mean code per plane popcount, every column together */
  readonly transfer: { popcount: number; count: number; meanCode: number; sdCode: number; idealCode: number }[];
  readonly vectors: number;
  readonly blocks: number;
}

export interface StuckCellScanOptions {
  /** least z for a cell found in the codes */
  readonly minZ?: number;
  /** digital-sum equations kept per output: mismatching MACs and agreeing ones */
  readonly maxMismatches?: number;
  readonly maxAgreeing?: number;
  /** most cells one output's digital sums are explained with */
  readonly maxCellsPerOutput?: number;
}

const MIN_Z = 8;
/** the least ADC noise assumed, LSB (a noiseless ADC's codes are steps; the table needs a slope) */
const MIN_NOISE = 0.05;
/** a move of the expected code smaller than this carries no evidence worth its time */
const MIN_STEP = 1e-3;
const TABLE = 256;
/** the first round's candidates: cells whose codes lean towards stuck, before their column's offset is put right */
const CANDIDATE_Z = 4;
const CANDIDATE_SHARE = 0.3;
/** a hypothesis needs this much evidence (sum h^2, in LSB^2) to be judged at all */
const MIN_EVIDENCE = 4;

interface Equation {
  /** slot of the vector in the pool */
  readonly slot: number;
  readonly plan: number;
  readonly residual: number;
  readonly vector: number;
}

export class StuckCellScan {
  private readonly rows: number;
  private readonly columns: number;
  /** the written weight bit of each cell, index column * rows + row */
  private readonly written: Uint8Array;
  /** the rows of each column written 1, as 32-bit words (column * words + w) */
  private readonly writtenMask: Int32Array;
  private readonly words: number;
  /** the blocks of the sample, with their plane popcounts (vector-major, output m * planes + plane) */
  private readonly held: { block: AnalysisBlock; popcounts: Uint16Array }[] = [];
  private readonly fits: LineFit[];
  private readonly transferN: Float64Array;
  private readonly transferSum: Float64Array;
  private readonly transferSq: Float64Array;
  /** digital planes of each plan level, and per (plan, weight bit) the input bits that are digital */
  private readonly digitalPlanes: Int32Array[];
  private readonly digitalMask: Int32Array;
  private readonly fixedPlan: number;
  private readonly pool: Uint16Array[] = [];
  private readonly poolOf = new Map<number, number>();
  private readonly mismatches: Equation[][];
  private readonly agreeing: Equation[][];
  private readonly mismatchCount: Float64Array;
  private readonly examples: { vector: number; output: number; residual: number }[][];
  private vectors = 0;

  constructor(
    private readonly ctx: AnalysisContext,
    /** columns left out of the code scan (dead or saturated: their codes follow no line) */
    private readonly excluded: ReadonlySet<number>,
    private readonly options: StuckCellScanOptions = {},
  ) {
    const p = ctx.setup.profile;
    this.rows = p.rows;
    this.columns = ctx.columns;
    this.words = Math.ceil(p.rows / 32);
    this.written = new Uint8Array(this.columns * this.rows);
    this.writtenMask = new Int32Array(this.columns * this.words);
    const w = ctx.setup.weights.data;
    for (let r = 0; r < p.rows; r++) {
      for (let m = 0; m < p.outputs; m++) {
        const v = w[r * p.outputs + m] as number;
        for (let j = 0; j < p.weightBits; j++) {
          const col = m * p.weightBits + j;
          const bit = (v >> j) & 1;
          this.written[col * this.rows + r] = bit;
          const at = col * this.words + (r >> 5);
          if (bit) this.writtenMask[at] = (this.writtenMask[at] as number) | (1 << (r & 31));
        }
      }
    }
    this.fits = Array.from({ length: this.columns }, () => new LineFit());
    this.transferN = new Float64Array(p.rows + 1);
    this.transferSum = new Float64Array(p.rows + 1);
    this.transferSq = new Float64Array(p.rows + 1);
    const resolved = resolveMode(p, ctx.setup.config);
    const plans = levelPlans(p, ctx.geometry, resolved.fixed);
    this.fixedPlan = resolved.fixed ? plans.levels - 1 : -1;
    this.digitalPlanes = Array.from({ length: plans.levels }, (_, l) =>
      plans.planeOrder.slice(l * ctx.geometry.planes, l * ctx.geometry.planes + (plans.nDigital[l] as number)),
    );
    this.digitalMask = new Int32Array(plans.levels * p.weightBits);
    this.digitalPlanes.forEach((list, l) => {
      for (const pl of list) {
        const at = l * p.weightBits + (pl % p.weightBits);
        this.digitalMask[at] = (this.digitalMask[at] as number) | (1 << Math.floor(pl / p.weightBits));
      }
    });
    this.mismatches = Array.from({ length: p.outputs }, () => []);
    this.agreeing = Array.from({ length: p.outputs }, () => []);
    this.mismatchCount = new Float64Array(p.outputs);
    this.examples = Array.from({ length: p.outputs }, () => []);
  }

  /** Take a block of the sample: its popcounts, its columns' lines, the transfer curve, its digital sums. */
  addBlock(b: AnalysisBlock): void {
    const { ctx } = this;
    const p = ctx.setup.profile;
    const { rows, outputs, weightBits: bw } = p;
    const planes = ctx.geometry.planes;
    const { top, idealRaw } = ctx;
    const step = top / rows;
    const stride = outputs * planes;
    const popcounts = new Uint16Array(b.vectors * stride);
    const pc = new Int32Array(stride);
    const maxMis = this.options.maxMismatches ?? 1024;
    const maxAgree = this.options.maxAgreeing ?? 512;
    for (let k = 0; k < b.vectors; k++) {
      const at = k * rows;
      ctx.popcounter.popcounts(b.inputs, at, pc);
      popcounts.set(pc, k * stride);
      const vector = b.firstVector + k;
      for (let rep = 0; rep < b.repeat; rep++) {
        const n = rep * b.vectors + k;
        for (let m = 0; m < outputs; m++) {
          const mac = n * outputs + m;
          const base = mac * planes;
          const pcBase = m * planes;
          for (let pl = 0; pl < planes; pl++) {
            const code = b.codes[base + pl] as number;
            if (code === NOT_ANALOG) continue;
            const pop = pc[pcBase + pl] as number;
            const ideal = idealRaw[pop] as number;
            // the line is fitted off both ends of the scale, where the ADC clips
            if (ideal > 0 && ideal < top) (this.fits[m * bw + (pl % bw)] as LineFit).add(pop * step, code);
            this.transferN[pop] = (this.transferN[pop] as number) + 1;
            this.transferSum[pop] = (this.transferSum[pop] as number) + code;
            this.transferSq[pop] = (this.transferSq[pop] as number) + code * code;
          }
          // the digital sum, against the model's at the level the die used
          const plan = this.fixedPlan >= 0 ? this.fixedPlan : (b.level[mac] as number);
          const list = this.digitalPlanes[plan];
          if (!list) continue;
          let reference = 0;
          for (let q = 0; q < list.length; q++) {
            const pl = list[q] as number;
            reference += (ctx.geometry.planeWeight[pl] as number) * (pc[pcBase + pl] as number);
          }
          const residual = (b.digital[mac] as number) - reference;
          if (residual !== 0) {
            this.mismatchCount[m] = (this.mismatchCount[m] as number) + 1;
            const ex = this.examples[m] as DigitalMismatches['examples'];
            if (ex.length < 5) ex.push({ vector, output: m, residual });
            const mis = this.mismatches[m] as Equation[];
            if (mis.length < maxMis) mis.push({ slot: this.slot(vector, b.inputs, at), plan, residual, vector });
          } else {
            const agree = this.agreeing[m] as Equation[];
            if (agree.length < maxAgree) agree.push({ slot: this.slot(vector, b.inputs, at), plan, residual: 0, vector });
          }
        }
      }
    }
    this.held.push({ block: b, popcounts });
    this.vectors += b.vectors;
  }

  /** The vector's place in the pool of vectors the digital equations refer to. */
  private slot(vector: number, inputs: Int32Array, at: number): number {
    const known = this.poolOf.get(vector);
    if (known !== undefined) return known;
    const copy = Uint16Array.from(inputs.subarray(at, at + this.rows));
    this.pool.push(copy);
    this.poolOf.set(vector, this.pool.length - 1);
    return this.pool.length - 1;
  }

  result(): StuckCellScanResult {
    const p = this.ctx.setup.profile;
    const lines: (FittedLine | null)[] = this.fits.map((f) => {
      const line = f.n >= 20 ? f.line() : null;
      return line && { gain: line.slope, offset: line.intercept, sd: line.residualSd };
    });
    const found = new Map<string, StuckCell>();
    for (const cell of this.findInCodes(lines)) found.set(`${cell.row}:${cell.column}`, cell);
    const digital: DigitalMismatches[] = [];
    for (let m = 0; m < p.outputs; m++) {
      const macs = this.mismatchCount[m] as number;
      if (macs === 0) continue;
      const { cells, unexplained } = this.explainDigital(m);
      for (const cell of cells) {
        const key = `${cell.row}:${cell.column}`;
        const known = found.get(key);
        found.set(key, known ? { ...known, channel: 'both', digitalMacs: cell.digitalMacs } : cell);
      }
      // the equations kept are a sample: scale what they leave unexplained to every mismatch seen
      const kept = (this.mismatches[m] as Equation[]).length;
      digital.push({
        output: m,
        macs,
        unexplained: kept > 0 ? Math.round((unexplained / kept) * macs) : 0,
        examples: this.examples[m] as DigitalMismatches['examples'],
      });
    }
    const transfer: StuckCellScanResult['transfer'] = [];
    for (let pop = 0; pop <= p.rows; pop++) {
      const n = this.transferN[pop] as number;
      if (n === 0) continue;
      const mean = (this.transferSum[pop] as number) / n;
      const v = n > 1 ? ((this.transferSq[pop] as number) - mean * mean * n) / (n - 1) : 0;
      transfer.push({ popcount: pop, count: n, meanCode: mean, sdCode: v > 0 ? Math.sqrt(v) : 0, idealCode: this.ctx.idealRaw[pop] as number });
    }
    return {
      cells: [...found.values()].sort((a, b) => a.column - b.column || a.row - b.row),
      digital,
      lines,
      transfer,
      vectors: this.vectors,
      blocks: this.held.length,
    };
  }

  /**
   * The codes, held against each cell's one hypothesis (written 0: stuck at 1 reads P + x; written
   * 1: stuck at 0 reads P - x). Only conversions that would read otherwise under the hypothesis
   * carry evidence (h != 0): about half of them, over the rows whose input bit is set.
   */
  /**
   * Stuck cells in the codes, in two rounds. A column's line takes in part of a stuck cell's shift
   * as offset (the share of its conversions with the row's bit set: half, for uniform inputs), and
   * a prediction from that line puts the rounding steps in the wrong places. So the cells that
   * stand out even against it (candidates) have their share taken back out of their column's
   * offset, and those columns are scanned again: the cells found there are those of the second round.
   */
  private findInCodes(lines: readonly (FittedLine | null)[]): StuckCell[] {
    const minZ = this.options.minZ ?? MIN_Z;
    const first = this.scanCodes(lines, null, CANDIDATE_Z, CANDIDATE_SHARE);
    const shift = new Map<number, number>();
    for (const c of first) shift.set(c.column, (shift.get(c.column) ?? 0) + c.offsetShareLsb);
    if (shift.size === 0) return first.filter((c) => (c.analogZ ?? 0) >= minZ);
    const corrected = lines.map((l, col) => (l && shift.has(col) ? { ...l, offset: l.offset - (shift.get(col) as number) } : l));
    const again = this.scanCodes(corrected, new Set(shift.keys()), minZ, 0.5);
    return [...first.filter((c) => !shift.has(c.column) && (c.analogZ ?? 0) >= minZ), ...again].sort((a, b) => a.column - b.column || a.row - b.row);
  }

  private scanCodes(lines: readonly (FittedLine | null)[], only: ReadonlySet<number> | null, minZ: number, minShare: number): StuckCell[] {
    const { ctx, rows, words, writtenMask } = this;
    const p = ctx.setup.profile;
    const { outputs, weightBits: bw, inputBits: bx } = p;
    const planes = ctx.geometry.planes;
    const top = ctx.top;
    const step = top / rows;
    const stride = outputs * planes;
    const cellsN = this.columns * rows;
    const eh = new Float64Array(cellsN);
    const hh = new Float64Array(cellsN);
    const hs = new Float64Array(cellsN);
    const colE = new Float64Array(this.columns);
    const colE2 = new Float64Array(this.columns);
    const colN = new Float64Array(this.columns);
    /** conversions per (column, input bit), and per (row, input bit) the records with that bit set */
    const conversions = new Float64Array(this.columns * bx);
    const bitSet = new Float64Array(rows * bx);
    const setMask = new Int32Array(bx * words);
    const gains = new Float64Array(this.columns);
    const offsets = new Float64Array(this.columns);
    const scanned = new Uint8Array(this.columns);
    const adcs: DitheredAdc[] = [];
    for (let col = 0; col < this.columns; col++) {
      const line = lines[col];
      gains[col] = line?.gain ?? 1;
      offsets[col] = line?.offset ?? 0;
      scanned[col] = this.excluded.has(col) || (only !== null && !only.has(col)) ? 0 : 1;
      // the ADC's noise: what of the codes' spread about the line the rounding does not explain
      adcs.push(new DitheredAdc(Math.sqrt(Math.max(MIN_NOISE ** 2, (line?.sd ?? 0) ** 2 - 1 / 12)), top));
    }
    let records = 0;
    for (const { block: b, popcounts } of this.held) {
      for (let k = 0; k < b.vectors; k++) {
        const at = k * rows;
        setMask.fill(0);
        for (let r = 0; r < rows; r++) {
          let x = b.inputs[at + r] as number;
          for (let i = 0; x !== 0 && i < bx; i++, x >>>= 1) {
            if (x & 1) {
              bitSet[r * bx + i] = (bitSet[r * bx + i] as number) + b.repeat;
              const w = i * words + (r >> 5);
              setMask[w] = (setMask[w] as number) | (1 << (r & 31));
            }
          }
        }
        for (let rep = 0; rep < b.repeat; rep++) {
          const n = rep * b.vectors + k;
          for (let m = 0; m < outputs; m++) {
            const base = (n * outputs + m) * planes;
            const pcBase = k * stride + m * planes;
            for (let pl = 0; pl < planes; pl++) {
              const code = b.codes[base + pl] as number;
              if (code === NOT_ANALOG) continue;
              const col = m * bw + (pl % bw);
              if (!scanned[col]) continue;
              const g = gains[col] as number;
              const adc = adcs[col] as DitheredAdc;
              const y = g * (popcounts[pcBase + pl] as number) * step + (offsets[col] as number);
              // the code to expect through the line, and its moves were the cell stuck either way, as the ADC's noise and rounding give them
              const pred = adc.expected(y);
              const e = code - pred;
              let hPlus = adc.expected(y + g * step) - pred;
              let hMinus = adc.expected(y - g * step) - pred;
              if (Math.abs(hPlus) < MIN_STEP) hPlus = 0;
              if (Math.abs(hMinus) < MIN_STEP) hMinus = 0;
              colE[col] = (colE[col] as number) + e;
              colE2[col] = (colE2[col] as number) + e * e;
              colN[col] = (colN[col] as number) + 1;
              const i = (pl / bw) | 0;
              conversions[col * bx + i] = (conversions[col * bx + i] as number) + 1;
              // a conversion that reads the same either way is no evidence: most are
              if (hPlus === 0 && hMinus === 0) continue;
              const ePlus = e * hPlus;
              const hPlus2 = hPlus * hPlus;
              const eMinus = e * hMinus;
              const hMinus2 = hMinus * hMinus;
              const cells = col * rows;
              for (let w = 0; w < words; w++) {
                const set = setMask[i * words + w] as number;
                if (set === 0) continue;
                const ones = writtenMask[col * words + w] as number;
                const first = cells + w * 32 + 31;
                if (hPlus !== 0) {
                  for (let left = set & ~ones; left !== 0;) {
                    const low = left & -left;
                    const idx = first - Math.clz32(low);
                    eh[idx] = (eh[idx] as number) + ePlus;
                    hh[idx] = (hh[idx] as number) + hPlus2;
                    hs[idx] = (hs[idx] as number) + hPlus;
                    left ^= low;
                  }
                }
                if (hMinus !== 0) {
                  for (let left = set & ones; left !== 0;) {
                    const low = left & -left;
                    const idx = first - Math.clz32(low);
                    eh[idx] = (eh[idx] as number) + eMinus;
                    hh[idx] = (hh[idx] as number) + hMinus2;
                    hs[idx] = (hs[idx] as number) + hMinus;
                    left ^= low;
                  }
                }
              }
            }
          }
        }
        records += b.repeat;
      }
    }
    const out: StuckCell[] = [];
    for (let col = 0; col < this.columns; col++) {
      const n = colN[col] as number;
      if (n < 2 || this.excluded.has(col)) continue;
      const mean = (colE[col] as number) / n;
      const sigma = Math.max(Math.sqrt(Math.max(0, (colE2[col] as number) / n - mean * mean)), 0.05);
      const g = gains[col] as number;
      for (let r = 0; r < rows; r++) {
        const idx = col * rows + r;
        // centred over every conversion of the column (h = 0 where the row's bit is clear): the
        // column's line took in part of a stuck cell's shift as offset; the difference between
        // conversions with the bit set and without is what the cell does, whatever the line's offset
        const sum = hs[idx] as number;
        const h2 = (hh[idx] as number) - (sum * sum) / n;
        if (h2 < MIN_EVIDENCE) continue;
        const e = (eh[idx] as number) - sum * mean;
        const z = (e - h2 / 2) / (sigma * Math.sqrt(h2));
        if (z < minZ || e / h2 < minShare) continue;
        const written = this.written[idx] as number;
        // the conversions this cell moves (those with its row's input bit set), times its step: its part of the column's offset
        let moved = 0;
        for (let i = 0; i < bx; i++) moved += ((conversions[col * bx + i] as number) * (bitSet[r * bx + i] as number)) / Math.max(1, records);
        out.push({
          row: r,
          column: col,
          output: Math.floor(col / bw),
          weightBit: col % bw,
          stuckAt: written ? 0 : 1,
          channel: 'analog',
          analogShare: e / h2,
          analogZ: z,
          analogSamples: Math.round(moved),
          digitalMacs: 0,
          offsetShareLsb: (written ? -1 : 1) * g * step * (moved / n),
        });
      }
    }
    return out;
  }

  /**
   * Orthogonal matching pursuit over the cells of output m: each step takes the cell whose
   * contribution best matches what is left unexplained, then fits all the cells taken at once;
   * a stuck cell's contribution is exact, so its coefficient is 1 and what it explains goes to 0.
   */
  private explainDigital(m: number): { cells: StuckCell[]; unexplained: number } {
    const p = this.ctx.setup.profile;
    const { rows } = this;
    const bw = p.weightBits;
    const eqs = [...(this.mismatches[m] as Equation[]), ...(this.agreeing[m] as Equation[])];
    const mismatched = (this.mismatches[m] as Equation[]).length;
    const target = Float64Array.from(eqs, (e) => e.residual);
    const maxCells = this.options.maxCellsPerOutput ?? 32;
    // the contribution of cell (r, j) to equation t: its sign, its weight bit's value, and x[r] masked to the digital input bits
    const signs = new Float64Array(rows * bw);
    for (let r = 0; r < rows; r++) for (let j = 0; j < bw; j++) signs[r * bw + j] = (this.written[(m * bw + j) * rows + r] ? -1 : 1) * (j === bw - 1 ? -1 : 1) * 2 ** j;
    const sign = (r: number, j: number) => signs[r * bw + j] as number;
    const feature = (r: number, j: number): Float64Array => {
      const f = new Float64Array(eqs.length);
      const s = sign(r, j);
      eqs.forEach((e, t) => {
        const masked = ((this.pool[e.slot] as Uint16Array)[r] as number) & (this.digitalMask[e.plan * bw + j] as number);
        f[t] = s * masked;
      });
      return f;
    };
    // cells of one row whose weight bits are digital at the same input bits at every level have
    // proportional contributions (in dcim, every bit of a row): the digital sums tell them apart
    // only by the size of the contribution, so they are one direction, and the coefficient says which
    const used = this.fixedPlan >= 0 ? [this.fixedPlan] : Array.from({ length: p.levels.length }, (_, l) => l);
    const maskKey = (j: number) => used.map((l) => this.digitalMask[l * bw + j]).join(',');
    const keys = Array.from({ length: bw }, (_, j) => maskKey(j));
    const chosen: { r: number; j: number; f: Float64Array }[] = [];
    let residual = target.slice();
    let coef: number[] = [];
    for (let step = 0; step < maxCells && residual.some((v) => v !== 0); step++) {
      // correlation of what is left with every cell's contribution
      const cor = new Float64Array(rows * bw);
      const norm = new Float64Array(rows * bw);
      for (let t = 0; t < eqs.length; t++) {
        const e = eqs[t] as Equation;
        const x = this.pool[e.slot] as Uint16Array;
        const rt = residual[t] as number;
        const maskBase = e.plan * bw;
        for (let r = 0; r < rows; r++) {
          const xv = x[r] as number;
          if (xv === 0) continue;
          for (let j = 0; j < bw; j++) {
            const masked = xv & (this.digitalMask[maskBase + j] as number);
            if (masked === 0) continue;
            const f = (signs[r * bw + j] as number) * masked;
            cor[r * bw + j] = (cor[r * bw + j] as number) + rt * f;
            norm[r * bw + j] = (norm[r * bw + j] as number) + f * f;
          }
        }
      }
      let best = -1;
      let bestScore = 0;
      for (let k = 0; k < cor.length; k++) {
        const nk = norm[k] as number;
        if (nk === 0 || chosen.some((c) => c.r === Math.floor(k / bw) && keys[c.j] === keys[k % bw])) continue;
        const score = (cor[k] as number) / Math.sqrt(nk);
        if (score > bestScore) {
          bestScore = score;
          best = k;
        }
      }
      if (best < 0) break;
      const r = Math.floor(best / bw);
      const j = best % bw;
      chosen.push({ r, j, f: feature(r, j) });
      coef = leastSquares(
        chosen.map((c) => c.f),
        target,
      );
      residual = target.slice();
      chosen.forEach((c, q) => {
        const a = coef[q] as number;
        for (let t = 0; t < residual.length; t++) residual[t] = (residual[t] as number) - a * (c.f[t] as number);
      });
      for (let t = 0; t < residual.length; t++) if (Math.abs(residual[t] as number) < 1e-6) residual[t] = 0;
    }
    // a stuck cell explains its part exactly: keep the cells fitted at 1, and count what they leave
    // a coefficient other than 1 may name another bit of the same direction: the one whose own contribution that is
    const cells: typeof chosen = [];
    chosen.forEach((c, q) => {
      const a = coef[q] as number;
      const target = a * sign(c.r, c.j);
      for (let j = 0; j < bw; j++) {
        if (keys[j] !== keys[c.j] || Math.abs(sign(c.r, j) - target) > 0.02 * Math.abs(sign(c.r, j))) continue;
        cells.push(j === c.j ? c : { r: c.r, j, f: feature(c.r, j) });
        return;
      }
    });
    const left = target.slice();
    for (const c of cells) for (let t = 0; t < left.length; t++) left[t] = (left[t] as number) - (c.f[t] as number);
    let unexplained = 0;
    for (let t = 0; t < mismatched; t++) if (left[t] !== 0) unexplained++;
    return {
      cells: cells.map((c) => {
        let macs = 0;
        for (let t = 0; t < mismatched; t++) if (c.f[t] !== 0) macs++;
        const column = m * bw + c.j;
        return {
          row: c.r,
          column,
          output: m,
          weightBit: c.j,
          stuckAt: this.written[column * rows + c.r] ? 0 : 1,
          channel: 'digital',
          analogShare: null,
          analogZ: null,
          analogSamples: 0,
          digitalMacs: macs,
          offsetShareLsb: 0,
        };
      }),
      unexplained,
    };
  }
}

/**
 * E[clamp(round(y + n), 0, top)] with n ~ Normal(0, sigma): the code an ADC gives on average for
 * an input y (LSB). Away from the ends it is y + D(frac(y)), D periodic, from a table; near them,
 * the sum over the codes' thresholds.
 */
export class DitheredAdc {
  private readonly table: Float64Array;
  private readonly edge: number;

  constructor(
    readonly sigma: number,
    readonly top: number,
  ) {
    const reach = Math.ceil(6 * sigma) + 1;
    this.edge = reach + 1;
    this.table = new Float64Array(TABLE + 1);
    for (let t = 0; t <= TABLE; t++) {
      const u = t / TABLE;
      let mean = 0;
      for (let k = -reach; k <= reach + 1; k++) mean += k * (normalCdf((k + 0.5 - u) / sigma) - normalCdf((k - 0.5 - u) / sigma));
      this.table[t] = mean - u;
    }
  }

  expected(y: number): number {
    if (y > this.edge && y < this.top - this.edge) {
      const base = Math.floor(y);
      const at = (y - base) * TABLE;
      const t = Math.floor(at);
      const lo = this.table[t] as number;
      return y + lo + ((this.table[t + 1] ?? lo) - lo) * (at - t);
    }
    // the codes 1..top each passed with the probability that y + n reaches its threshold k - 1/2
    let sum = 0;
    for (let k = 1; k <= this.top; k++) {
      const d = (y - k + 0.5) / this.sigma;
      if (d > 8) sum++;
      else if (d < -8) break;
      else sum += normalCdf(d);
    }
    return sum;
  }
}

/** Least-squares coefficients of `target` on the given columns (normal equations; a few columns). */
export function leastSquares(features: readonly Float64Array[], target: Float64Array): number[] {
  const k = features.length;
  const a: Float64Array[] = Array.from({ length: k }, () => new Float64Array(k + 1));
  for (let i = 0; i < k; i++) {
    const fi = features[i] as Float64Array;
    for (let j = i; j < k; j++) {
      const fj = features[j] as Float64Array;
      let s = 0;
      for (let t = 0; t < target.length; t++) s += (fi[t] as number) * (fj[t] as number);
      (a[i] as Float64Array)[j] = s;
      (a[j] as Float64Array)[i] = s;
    }
    let s = 0;
    for (let t = 0; t < target.length; t++) s += (fi[t] as number) * (target[t] as number);
    (a[i] as Float64Array)[k] = s;
  }
  // Gauss-Jordan with partial pivoting; a singular direction gets coefficient 0
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs((a[r] as Float64Array)[c] as number) > Math.abs((a[piv] as Float64Array)[c] as number)) piv = r;
    [a[c], a[piv]] = [a[piv] as Float64Array, a[c] as Float64Array];
    const row = a[c] as Float64Array;
    const d = row[c] as number;
    if (Math.abs(d) < 1e-12) continue;
    for (let j = c; j <= k; j++) row[j] = (row[j] as number) / d;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const other = a[r] as Float64Array;
      const f = other[c] as number;
      if (f === 0) continue;
      for (let j = c; j <= k; j++) other[j] = (other[j] as number) - f * (row[j] as number);
    }
  }
  return a.map((row, i) => (Math.abs(row[i] as number) < 1e-12 ? 0 : (row[k] as number)));
}
