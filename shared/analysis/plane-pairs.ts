// Run against run MAC by MAC over blocks read plane by plane: yhat of B - yhat of A (histogram),
// the two runs' levels (confusion), and per physical column the code of B - the code of A over the
// conversions both made (in A's LSB). Each run's measured yhat is summed plane after plane into one
// array per stretch of vectors (per MAC in the order measuredYhat sums it), the codes both runs
// converted met by walking the two runs' MAC lists of each plane side by side: every code is
// touched once. Its state is plain numbers, so stretches folded apart (in threads) merge.
import type { PlaneCodes } from './plane-codes';
import type { YhatReading } from './run-vs-run';
import { ConfusionAccumulator, HistogramAccumulator, Moments, type Histogram } from './stats';

export interface PlanePairBlock extends PlaneCodes {
  readonly firstVector: number;
  readonly vectors: number;
  readonly outputs: number;
}

/** What a pair accumulator holds, as plain data (to send between threads and merge). */
export interface PlanePairState {
  readonly macs: number;
  readonly yhat: {
    readonly counts: number[];
    readonly underflow: number;
    readonly overflow: number;
    readonly n: number;
    readonly sum: number;
    readonly sumSq: number;
    readonly min: number;
    readonly max: number;
  };
  readonly levels: number[];
  readonly columnN: number[];
  readonly columnSum: number[];
  readonly columnSq: number[];
}

/** The first entry of a sorted list at or above `v`. */
function lowerBound(list: Int32Array, v: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Measured yhat of MACs [from, from + n) of a block, into y (D + A * N / L, A through the run's calibration). */
export function planeYhat(r: YhatReading, b: PlaneCodes, outputs: number, from: number, n: number, y: Float64Array, a: Float64Array): void {
  const { geometry, calibration, profile } = r;
  const bw = profile.weightBits;
  a.fill(0, 0, n);
  const end = from + n;
  for (let p = 0; p < b.planes; p++) {
    const index = b.index[p] as Int32Array;
    const values = b.values[p] as Uint8Array;
    const w = geometry.planeWeight[p] as number;
    let k = from === 0 ? 0 : lowerBound(index, from);
    if (calibration) {
      const j = geometry.weightBit[p] as number;
      for (; k < index.length; k++) {
        const mac = index[k] as number;
        if (mac >= end) break;
        const col = (mac % outputs) * bw + j;
        const code = ((values[k] as number) - (calibration.offsetLsb[col] as number)) / (calibration.gain[col] as number);
        a[mac - from] = (a[mac - from] as number) + w * code;
      }
    } else {
      for (; k < index.length; k++) {
        const mac = index[k] as number;
        if (mac >= end) break;
        a[mac - from] = (a[mac - from] as number) + w * (values[k] as number);
      }
    }
  }
  const { rows } = profile;
  const top = geometry.adcTop;
  // rounded as the spec's formula and the model round it: (A * N) / L
  for (let i = 0; i < n; i++) y[i] = (b.digital[from + i] as number) + ((a[i] as number) * rows) / top;
}

/** Whether each plane is analog at the same levels in both blocks (then, over the same levels, at the same MACs). */
function samePlanes(ba: PlaneCodes, bb: PlaneCodes): boolean {
  if (!ba.levelSets || !bb.levelSets || ba.planes !== bb.planes) return false;
  for (let p = 0; p < ba.planes; p++) if (ba.levelSets[p] !== bb.levelSets[p]) return false;
  return true;
}

export class PlanePairAccumulator {
  /** the histogram's shape; its counts, moments and the confusion cells are kept here and handed over at the end */
  private readonly yhat: HistogramAccumulator;
  private readonly bins: Float64Array;
  private readonly moments = new Moments();
  private under = 0;
  private over = 0;
  private readonly levelClasses: number;
  private readonly cells: Float64Array;
  private readonly columnN: Float64Array;
  private readonly columnSum: Float64Array;
  private readonly columnSq: Float64Array;
  private macs = 0;
  private ya = new Float64Array(0);
  private yb = new Float64Array(0);
  private scratch = new Float64Array(0);
  private scratchB = new Float64Array(0);

  constructor(
    private readonly a: YhatReading,
    private readonly b: YhatReading,
    yhatRange: number,
  ) {
    const r = yhatRange > 0 ? yhatRange : 1;
    this.yhat = new HistogramAccumulator(-r, r, 101);
    this.bins = new Float64Array(101);
    this.levelClasses = Math.max(a.profile.levels.length, b.profile.levels.length);
    this.cells = new Float64Array(this.levelClasses * this.levelClasses);
    const columns = a.profile.outputs * a.profile.weightBits;
    this.columnN = new Float64Array(columns);
    this.columnSum = new Float64Array(columns);
    this.columnSq = new Float64Array(columns);
  }

  /** Vectors from..to-1, which both blocks hold (their first repeat). */
  add(ba: PlanePairBlock, bb: PlanePairBlock, from: number, to: number): void {
    const outputs = ba.outputs;
    const n = (to - from) * outputs;
    if (n <= 0) return;
    const sa = (from - ba.firstVector) * outputs;
    const sb = (from - bb.firstVector) * outputs;
    if (this.ya.length < n) {
      this.ya = new Float64Array(n);
      this.yb = new Float64Array(n);
      this.scratch = new Float64Array(n);
    }
    const { ya, yb } = this;
    let same = true;
    for (let i = 0; i < n; i++) {
      if (ba.level[sa + i] !== bb.level[sb + i]) {
        same = false;
        break;
      }
    }
    const fused = same && !this.a.calibration && !this.b.calibration && samePlanes(ba, bb);
    if (fused) this.fusedPlanes(ba, bb, outputs, sa, sb, n);
    else {
      planeYhat(this.a, ba, outputs, sa, n, ya, this.scratch);
      planeYhat(this.b, bb, outputs, sb, n, yb, this.scratch);
    }
    // the histogram's bins and moments and the confusion cells, inline (binIndex's rule): the loop runs once per MAC
    const { lo, hi, bins } = this.yhat;
    const width = hi - lo;
    const bin = this.bins;
    const k = this.levelClasses;
    const cells = this.cells;
    let sum = 0;
    let sumSq = 0;
    let min = Infinity;
    let max = -Infinity;
    let under = 0;
    let over = 0;
    for (let i = 0; i < n; i++) {
      const d = (yb[i] as number) - (ya[i] as number);
      sum += d;
      sumSq += d * d;
      if (d < min) min = d;
      if (d > max) max = d;
      if (d < lo) under++;
      else if (!(d < hi)) over++;
      else {
        const at = Math.min(bins - 1, Math.floor(((d - lo) / width) * bins));
        bin[at] = (bin[at] as number) + 1;
      }
      const la = ba.level[sa + i] as number;
      const lb = bb.level[sb + i] as number;
      if (la < k && lb < k) cells[la * k + lb] = (cells[la * k + lb] as number) + 1;
    }
    const m = this.moments;
    m.n += n;
    m.sum += sum;
    m.sumSq += sumSq;
    if (min < m.min) m.min = min;
    if (max > m.max) m.max = max;
    this.under += under;
    this.over += over;
    this.macs += n;
    if (!fused) this.addColumns(ba, bb, outputs, sa, sb, n, same);
  }

  /**
   * Both runs' yhat (into ya, yb) and the column deltas in one walk of each plane's MACs: the
   * usual case, where both runs took the same levels over the stretch, the planes analog at the
   * same levels, and neither reads its codes through a calibration.
   */
  private fusedPlanes(ba: PlaneCodes, bb: PlaneCodes, outputs: number, sa: number, sb: number, n: number): void {
    const { ya, yb, scratch: acc } = this;
    if (this.scratchB.length < n) this.scratchB = new Float64Array(n);
    const accB = this.scratchB;
    acc.fill(0, 0, n);
    accB.fill(0, 0, n);
    const bw = this.a.profile.weightBits;
    const wa = this.a.geometry.planeWeight;
    const wb = this.b.geometry.planeWeight;
    const scale = this.a.measuredTop / this.b.measuredTop;
    const mask = (outputs & (outputs - 1)) === 0 ? outputs - 1 : -1;
    const pn = new Float64Array(outputs);
    const ps = new Float64Array(outputs);
    const pq = new Float64Array(outputs);
    for (let p = 0; p < ba.planes; p++) {
      const ia = ba.index[p] as Int32Array;
      const va = ba.values[p] as Uint8Array;
      const vb = bb.values[p] as Uint8Array;
      const ka = sa === 0 ? 0 : lowerBound(ia, sa);
      const ea = lowerBound(ia, sa + n);
      const shift = (sb === 0 ? 0 : lowerBound(bb.index[p] as Int32Array, sb)) - ka;
      const w = wa[p] as number;
      const v = wb[p] as number;
      pn.fill(0);
      ps.fill(0);
      pq.fill(0);
      for (let k = ka; k < ea; k++) {
        const mac = (ia[k] as number) - sa;
        const x = va[k] as number;
        const y = vb[k + shift] as number;
        acc[mac] = (acc[mac] as number) + w * x;
        accB[mac] = (accB[mac] as number) + v * y;
        const d = y * scale - x;
        // the output: a mask where the outputs are a power of two (an integer division costs tens of cycles)
        const m = mask >= 0 ? mac & mask : mac % outputs;
        pn[m] = (pn[m] as number) + 1;
        ps[m] = (ps[m] as number) + d;
        pq[m] = (pq[m] as number) + d * d;
      }
      const j = p % bw;
      for (let m = 0; m < outputs; m++) {
        const col = m * bw + j;
        this.columnN[col] = (this.columnN[col] as number) + (pn[m] as number);
        this.columnSum[col] = (this.columnSum[col] as number) + (ps[m] as number);
        this.columnSq[col] = (this.columnSq[col] as number) + (pq[m] as number);
      }
    }
    const rowsA = this.a.profile.rows;
    const rowsB = this.b.profile.rows;
    const topA = this.a.geometry.adcTop;
    const topB = this.b.geometry.adcTop;
    for (let i = 0; i < n; i++) {
      ya[i] = (ba.digital[sa + i] as number) + ((acc[i] as number) * rowsA) / topA;
      yb[i] = (bb.digital[sb + i] as number) + ((accB[i] as number) * rowsB) / topB;
    }
  }

  /** Per physical column, code of B (in A's LSB) - code of A over the conversions both made. */
  private addColumns(ba: PlaneCodes, bb: PlaneCodes, outputs: number, sa: number, sb: number, n: number, sameLevels: boolean): void {
    const bw = this.a.profile.weightBits;
    const scale = this.a.measuredTop / this.b.measuredTop;
    const { columnN, columnSum, columnSq } = this;
    for (let p = 0; p < ba.planes; p++) {
      const ia = ba.index[p] as Int32Array;
      const ib = bb.index[p] as Int32Array;
      const va = ba.values[p] as Uint8Array;
      const vb = bb.values[p] as Uint8Array;
      const j = p % bw;
      let ka = sa === 0 ? 0 : lowerBound(ia, sa);
      let kb = sb === 0 ? 0 : lowerBound(ib, sb);
      if (sameLevels && ba.levelSets && bb.levelSets && ba.levelSets[p] === bb.levelSets[p]) {
        // the same levels, the plane analog at the same ones: both lists hold the same MACs here
        const ea = Math.min(ia.length, lowerBound(ia, sa + n));
        for (; ka < ea; ka++, kb++) {
          const d = (vb[kb] as number) * scale - (va[ka] as number);
          const col = (((ia[ka] as number) - sa) % outputs) * bw + j;
          columnN[col] = (columnN[col] as number) + 1;
          columnSum[col] = (columnSum[col] as number) + d;
          columnSq[col] = (columnSq[col] as number) + d * d;
        }
        continue;
      }
      // the same level mix in both runs (the usual case): the lists agree entry for entry
      while (ka < ia.length && kb < ib.length) {
        const ma = (ia[ka] as number) - sa;
        const mb = (ib[kb] as number) - sb;
        if (ma >= n || mb >= n) break;
        if (ma < mb) ka++;
        else if (mb < ma) kb++;
        else {
          const d = (vb[kb] as number) * scale - (va[ka] as number);
          const col = (ma % outputs) * bw + j;
          columnN[col] = (columnN[col] as number) + 1;
          columnSum[col] = (columnSum[col] as number) + d;
          columnSq[col] = (columnSq[col] as number) + d * d;
          ka++;
          kb++;
        }
      }
    }
  }

  state(): PlanePairState {
    const m = this.moments;
    return {
      macs: this.macs,
      yhat: { counts: Array.from(this.bins), underflow: this.under, overflow: this.over, n: m.n, sum: m.sum, sumSq: m.sumSq, min: m.min, max: m.max },
      levels: Array.from(this.cells),
      columnN: Array.from(this.columnN),
      columnSum: Array.from(this.columnSum),
      columnSq: Array.from(this.columnSq),
    };
  }

  /** Take in what another accumulator (of the same two runs and range) folded. */
  merge(s: PlanePairState): void {
    const add = (into: Float64Array, from: readonly number[]) => {
      if (from.length !== into.length) throw new RangeError(`a pair accumulator of ${into.length} entries cannot take in ${from.length}`);
      for (let k = 0; k < into.length; k++) into[k] = (into[k] as number) + (from[k] as number);
    };
    this.macs += s.macs;
    add(this.bins, s.yhat.counts);
    this.under += s.yhat.underflow;
    this.over += s.yhat.overflow;
    this.moments.merge(Object.assign(new Moments(), { n: s.yhat.n, sum: s.yhat.sum, sumSq: s.yhat.sumSq, min: s.yhat.min, max: s.yhat.max }));
    add(this.cells, s.levels);
    add(this.columnN, s.columnN);
    add(this.columnSum, s.columnSum);
    add(this.columnSq, s.columnSq);
  }

  result(): {
    yhatDifference: Histogram;
    levels: { macs: number; same: number; confusion: number[][] };
    columns: { column: number; output: number; weightBit: number; count: number; meanDeltaLsb: number; sdDeltaLsb: number }[];
  } {
    const bw = this.a.profile.weightBits;
    const yhat = new HistogramAccumulator(this.yhat.lo, this.yhat.hi, this.yhat.bins);
    yhat.mergeCounts(Array.from(this.bins), this.under, this.over, this.moments);
    const levels = new ConfusionAccumulator(this.levelClasses);
    levels.mergeCells(Array.from(this.cells));
    return {
      yhatDifference: yhat.result(),
      levels: { macs: this.macs, same: levels.agreements, confusion: levels.matrix() },
      columns: Array.from(this.columnN, (n, col) => {
        const m = Object.assign(new Moments(), { n, sum: this.columnSum[col] as number, sumSq: this.columnSq[col] as number });
        return { column: col, output: Math.floor(col / bw), weightBit: col % bw, count: n, meanDeltaLsb: m.mean, sdDeltaLsb: m.sd };
      }),
    };
  }
}
