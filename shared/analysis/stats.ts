// The statistics the comparisons stand on, as small pure accumulators: a run is folded in block by
// block, never held whole. Histograms with fixed bins and under/overflow, running moments, a
// least-squares line from its sums, a confusion matrix, robust centre and spread, and the mean of
// paired differences with its confidence interval.

/** Count, mean, spread and extremes of a stream of numbers (sums kept, so two merge exactly). */
export class Moments {
  n = 0;
  sum = 0;
  sumSq = 0;
  min = Infinity;
  max = -Infinity;

  add(v: number): void {
    this.n++;
    this.sum += v;
    this.sumSq += v * v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  merge(o: Moments): void {
    this.n += o.n;
    this.sum += o.sum;
    this.sumSq += o.sumSq;
    if (o.min < this.min) this.min = o.min;
    if (o.max > this.max) this.max = o.max;
  }

  get mean(): number {
    return this.n > 0 ? this.sum / this.n : 0;
  }

  /** sample standard deviation (n - 1); 0 below two values */
  get sd(): number {
    if (this.n < 2) return 0;
    const v = (this.sumSq - (this.sum * this.sum) / this.n) / (this.n - 1);
    return v > 0 ? Math.sqrt(v) : 0;
  }

  get rms(): number {
    return this.n > 0 ? Math.sqrt(this.sumSq / this.n) : 0;
  }
}

/** A histogram over [lo, hi) in equal bins; values below and above are counted apart, never lost. */
export interface Histogram {
  readonly lo: number;
  readonly hi: number;
  readonly binWidth: number;
  readonly counts: number[];
  readonly underflow: number;
  readonly overflow: number;
  /** every value added: the bins, the underflow and the overflow */
  readonly total: number;
  /** over every value added (null when none) */
  readonly mean: number | null;
  readonly sd: number | null;
  readonly min: number | null;
  readonly max: number | null;
}

/** The bin of `v` among `bins` bins over [lo, hi): -1 below, `bins` at or above hi (and NaN). */
export function binIndex(v: number, lo: number, hi: number, bins: number): number {
  if (v < lo) return -1;
  if (!(v < hi)) return bins;
  // rounding can put a value just under hi one bin too far: clamp
  return Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins));
}

export class HistogramAccumulator {
  private readonly counts: Float64Array;
  private underflow = 0;
  private overflow = 0;
  private readonly moments = new Moments();

  constructor(
    readonly lo: number,
    readonly hi: number,
    readonly bins: number,
  ) {
    if (!(hi > lo) || !Number.isInteger(bins) || bins < 1) throw new RangeError(`a histogram needs hi > lo and at least one bin: [${lo}, ${hi}), ${bins} bins`);
    this.counts = new Float64Array(bins);
  }

  /** Bins of width 1 centred on the integers lo..hi. */
  static integers(lo: number, hi: number): HistogramAccumulator {
    return new HistogramAccumulator(lo - 0.5, hi + 0.5, hi - lo + 1);
  }

  add(v: number): void {
    this.moments.add(v);
    const k = binIndex(v, this.lo, this.hi, this.bins);
    if (k < 0) this.underflow++;
    else if (k >= this.bins) this.overflow++;
    else this.counts[k] = (this.counts[k] as number) + 1;
  }

  /** `count` values equal to `v` at once. */
  addCount(v: number, count: number): void {
    if (count <= 0) return;
    const m = this.moments;
    m.n += count;
    m.sum += v * count;
    m.sumSq += v * v * count;
    if (v < m.min) m.min = v;
    if (v > m.max) m.max = v;
    const k = binIndex(v, this.lo, this.hi, this.bins);
    if (k < 0) this.underflow += count;
    else if (k >= this.bins) this.overflow += count;
    else this.counts[k] = (this.counts[k] as number) + count;
  }

  /** The running moments of every value added (a copy). */
  momentsOf(): Moments {
    const m = new Moments();
    m.merge(this.moments);
    return m;
  }

  /** Take in the bins and moments of another histogram of the same bins. */
  mergeCounts(counts: readonly number[], underflow: number, overflow: number, moments: Moments): void {
    if (counts.length !== this.bins) throw new RangeError(`a histogram of ${this.bins} bins cannot take in one of ${counts.length}`);
    for (let k = 0; k < this.bins; k++) this.counts[k] = (this.counts[k] as number) + (counts[k] as number);
    this.underflow += underflow;
    this.overflow += overflow;
    this.moments.merge(moments);
  }

  result(): Histogram {
    const m = this.moments;
    const any = m.n > 0;
    return {
      lo: this.lo,
      hi: this.hi,
      binWidth: (this.hi - this.lo) / this.bins,
      counts: Array.from(this.counts),
      underflow: this.underflow,
      overflow: this.overflow,
      total: m.n,
      mean: any ? m.mean : null,
      sd: any ? m.sd : null,
      min: any ? m.min : null,
      max: any ? m.max : null,
    };
  }
}

export function histogram(values: ArrayLike<number>, lo: number, hi: number, bins: number): Histogram {
  const h = new HistogramAccumulator(lo, hi, bins);
  for (let k = 0; k < values.length; k++) h.add(values[k] as number);
  return h.result();
}

/** A range for a histogram that holds [min, max] with a margin, never empty. */
export function histogramRange(min: number, max: number): { lo: number; hi: number } {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { lo: -1, hi: 1 };
  const span = max - min;
  const pad = span > 0 ? span * 1e-6 : Math.max(1, Math.abs(min) * 1e-6);
  return { lo: min - pad, hi: max + pad };
}

/** K x K counts: rows the measured class, columns the reference class. */
export class ConfusionAccumulator {
  private readonly cells: Float64Array;
  /** pairs with a class outside 0..K-1 */
  outside = 0;

  constructor(readonly classes: number) {
    this.cells = new Float64Array(classes * classes);
  }

  add(measured: number, reference: number): void {
    const k = this.classes;
    if (measured < 0 || measured >= k || reference < 0 || reference >= k) {
      this.outside++;
      return;
    }
    const at = measured * k + reference;
    this.cells[at] = (this.cells[at] as number) + 1;
  }

  /** Take in another matrix's cells (row-major, as matrix().flat()). */
  mergeCells(cells: readonly number[]): void {
    if (cells.length !== this.cells.length) throw new RangeError(`a ${this.classes}-class confusion matrix cannot take in ${cells.length} cells`);
    for (let k = 0; k < cells.length; k++) this.cells[k] = (this.cells[k] as number) + (cells[k] as number);
  }

  matrix(): number[][] {
    const k = this.classes;
    return Array.from({ length: k }, (_, r) => Array.from(this.cells.subarray(r * k, (r + 1) * k)));
  }

  get agreements(): number {
    let s = 0;
    for (let c = 0; c < this.classes; c++) s += this.cells[c * this.classes + c] as number;
    return s;
  }
}

export function confusionMatrix(measured: ArrayLike<number>, reference: ArrayLike<number>, classes: number): number[][] {
  if (measured.length !== reference.length) throw new RangeError(`${measured.length} measured classes against ${reference.length} reference ones`);
  const c = new ConfusionAccumulator(classes);
  for (let k = 0; k < measured.length; k++) c.add(measured[k] as number, reference[k] as number);
  return c.matrix();
}

/** Sums of a least-squares line y = slope * x + intercept. */
export class LineFit {
  n = 0;
  sx = 0;
  sy = 0;
  sxx = 0;
  sxy = 0;
  syy = 0;

  add(x: number, y: number): void {
    this.n++;
    this.sx += x;
    this.sy += y;
    this.sxx += x * x;
    this.sxy += x * y;
    this.syy += y * y;
  }

  /** null without two distinct x values */
  line(): { slope: number; intercept: number; residualSd: number } | null {
    const { n, sx, sy, sxx, sxy, syy } = this;
    const vxx = sxx - (sx * sx) / n;
    if (n < 2 || !(vxx > 1e-12 * Math.max(1, sxx))) return null;
    const vxy = sxy - (sx * sy) / n;
    const vyy = syy - (sy * sy) / n;
    const slope = vxy / vxx;
    const intercept = (sy - slope * sx) / n;
    const rss = Math.max(0, vyy - slope * vxy);
    return { slope, intercept, residualSd: n > 2 ? Math.sqrt(rss / (n - 2)) : 0 };
  }
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? (s[h] as number) : ((s[h - 1] as number) + (s[h] as number)) / 2;
}

/** Median absolute deviation, scaled to a normal's standard deviation (x 1.4826). */
export function madSd(values: readonly number[]): number {
  const m = median(values);
  return 1.4826 * median(values.map((v) => Math.abs(v - m)));
}

/** The standard normal distribution function (erfc after Numerical Recipes: relative error below 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r / 2 : r / 2;
}

/** Two-sided 95 % critical value of Student's t with `df` degrees of freedom. */
export function tCritical95(df: number): number {
  const table = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064,
    2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
  ];
  if (df < 1) return NaN;
  if (df <= table.length) return table[df - 1] as number;
  if (df <= 60) return 2.042 - ((df - 30) / 30) * (2.042 - 2.0);
  if (df <= 120) return 2.0 - ((df - 60) / 60) * (2.0 - 1.98);
  return 1.96;
}

/** The mean of a set of numbers (paired differences, say), its spread and a 95 % interval. */
export interface MeanStat {
  readonly n: number;
  readonly mean: number | null;
  readonly sd: number | null;
  readonly se: number | null;
  readonly ci95Lo: number | null;
  readonly ci95Hi: number | null;
  /** mean / se: how many standard errors the mean is from 0 (null below two values or with no spread) */
  readonly t: number | null;
}

export function meanStat(values: readonly number[]): MeanStat {
  const m = new Moments();
  for (const v of values) if (Number.isFinite(v)) m.add(v);
  if (m.n === 0) return { n: 0, mean: null, sd: null, se: null, ci95Lo: null, ci95Hi: null, t: null };
  if (m.n === 1) return { n: 1, mean: m.mean, sd: null, se: null, ci95Lo: null, ci95Hi: null, t: null };
  const se = m.sd / Math.sqrt(m.n);
  const half = tCritical95(m.n - 1) * se;
  return { n: m.n, mean: m.mean, sd: m.sd, se, ci95Lo: m.mean - half, ci95Hi: m.mean + half, t: se > 0 ? m.mean / se : null };
}

/** The K largest by `key`, kept in a small sorted array (K is a few tens). */
export class TopK<T> {
  private readonly items: { key: number; item: T }[] = [];

  constructor(readonly k: number) {}

  /** Whether an item of this key would be kept: ask before building it. */
  wants(key: number): boolean {
    return this.items.length < this.k || key > (this.items[this.items.length - 1] as { key: number }).key;
  }

  add(key: number, item: T): void {
    if (!this.wants(key)) return;
    let at = this.items.length;
    while (at > 0 && (this.items[at - 1] as { key: number }).key < key) at--;
    this.items.splice(at, 0, { key, item });
    if (this.items.length > this.k) this.items.pop();
  }

  values(): T[] {
    return this.items.map((e) => e.item);
  }
}
