// How long a line should be on this link (docs/protocol.md, "Delivery"). Long lines spend less on
// framing, but on a noisy wire a line is lost whole if any of its bytes is hit, so the best length
// shrinks as the error rate grows: a clean link wants the board's LINE limit, 1e-4 errors per
// byte about 1 KB.
//
// The request pipe reports each round trip (request line plus answer line, in bytes) and how many
// times it failed before it got through. A round trip of L bytes gets through with probability
//     e^-(a + b L)
// where b is the per-byte hazard (-ln(1-p) for p errors per byte) and a a per-line one (lines lost
// whole, whatever their length: a dropped line, a buffer overrun). Both are fitted by maximum
// likelihood over recent round trips, old ones fading. The goodput of a line of L bytes with h of
// them framing is (L-h)/L e^-(a + b L); a does not move its maximum, so lines are not shortened
// for faults that shorter lines would not avoid:
//     L* = (h + sqrt(h^2 + 4h/b)) / 2.

/** Round trips grouped by length within a factor of two: the fit needs lengths, not every one. */
const BUCKETS = 24;

export interface LineBudgetOptions {
  /** round trips after which an observation counts half (default 256) */
  readonly halfLife?: number;
}

export interface LinkErrorEstimate {
  /** hazard per line, whatever its length */
  readonly perLine: number;
  /** hazard per byte (about the probability that one byte is hit) */
  readonly perByte: number;
}

export class LineBudget {
  /** per bucket: transmissions, failed transmissions, and transmitted bytes, all decayed */
  private readonly sent = new Float64Array(BUCKETS);
  private readonly failed = new Float64Array(BUCKETS);
  private readonly bytes = new Float64Array(BUCKETS);
  private readonly keep: number;
  private cached: LinkErrorEstimate | null = null;
  /** round trips reported */
  roundTrips = 0;
  /** of which failed at least once */
  retried = 0;

  constructor(options: LineBudgetOptions = {}) {
    this.keep = 2 ** (-1 / (options.halfLife ?? 256));
  }

  /** One round trip of `bytes` (request and answer, terminators included) that failed `failures` times before it got through. */
  record(bytes: number, failures: number): void {
    if (!(bytes > 0) || !(failures >= 0)) return;
    for (let j = 0; j < BUCKETS; j++) {
      this.sent[j] = (this.sent[j] as number) * this.keep;
      this.failed[j] = (this.failed[j] as number) * this.keep;
      this.bytes[j] = (this.bytes[j] as number) * this.keep;
    }
    const j = Math.min(BUCKETS - 1, Math.max(0, Math.floor(Math.log2(bytes))));
    this.sent[j] = (this.sent[j] as number) + failures + 1;
    this.failed[j] = (this.failed[j] as number) + failures;
    this.bytes[j] = (this.bytes[j] as number) + bytes * (failures + 1);
    this.roundTrips++;
    if (failures > 0) this.retried++;
    this.cached = null;
  }

  /** The share of recent transmissions that failed, weighted as the fit weighs them; 0 on a clean link. */
  get failureRate(): number {
    let sent = 0;
    let failed = 0;
    for (let j = 0; j < BUCKETS; j++) {
      sent += this.sent[j] as number;
      failed += this.failed[j] as number;
    }
    return sent > 0 ? failed / sent : 0;
  }

  /** The fitted hazards; zero until a round trip has failed. */
  get estimate(): LinkErrorEstimate {
    this.cached ??= fit(this.observations());
    return this.cached;
  }

  /**
   * The round-trip length (bytes) that carries the most data per byte on the wire, with
   * `overhead` bytes of framing in each; at most `maxLine`.
   */
  lineBytes(maxLine: number, overhead: number): number {
    const b = this.estimate.perByte;
    if (b <= 0) return maxLine;
    const best = (overhead + Math.sqrt(overhead * overhead + (4 * overhead) / b)) / 2;
    return Math.min(maxLine, Math.max(overhead + 1, Math.floor(best)));
  }

  private observations(): Observation[] {
    const out: Observation[] = [];
    for (let j = 0; j < BUCKETS; j++) {
      const n = this.sent[j] as number;
      if (n > 1e-9) out.push({ n, f: this.failed[j] as number, length: (this.bytes[j] as number) / n });
    }
    return out;
  }
}

interface Observation {
  /** transmissions */
  readonly n: number;
  /** of which failed */
  readonly f: number;
  /** their mean length in bytes */
  readonly length: number;
}

/** Log-likelihood of hazards (a, b): each transmission gets through with probability e^-(a + b L). */
function logLikelihood(obs: readonly Observation[], a: number, b: number): number {
  let sum = 0;
  for (const o of obs) {
    const x = a + b * o.length;
    sum -= (o.n - o.f) * x;
    if (o.f > 0) sum += o.f * Math.log(-Math.expm1(-x)); // ln(1 - e^-x); -Infinity at x = 0
  }
  return sum;
}

/** The per-line hazard that best fits `obs` for a per-byte hazard b: the likelihood is concave in a. */
function bestPerLine(obs: readonly Observation[], b: number): number {
  // dL/da = sum f/(e^x - 1) - (n - f): decreasing in a
  const slope = (a: number) => obs.reduce((s, o) => s + o.f / Math.expm1(a + b * o.length) - (o.n - o.f), 0);
  if (slope(0) <= 0) return 0;
  let lo = 0;
  let hi = 1;
  while (slope(hi) > 0 && hi < 1e3) hi *= 2;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (slope(mid) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Maximum likelihood (a, b). The likelihood is concave in (a, b), so its profile over b is
 * unimodal: a golden-section search over log b finds it. Where the data cannot tell the two
 * apart (every line of one length) the likelihood is flat along a ridge; the largest b on it is
 * taken, blaming the bytes: shorter lines then show which it was.
 */
function fit(obs: readonly Observation[]): LinkErrorEstimate {
  if (!obs.some((o) => o.f > 0)) return { perLine: 0, perByte: 0 };
  const profile = (u: number) => {
    const b = 10 ** u;
    return logLikelihood(obs, bestPerLine(obs, b), b);
  };
  // b from 1e-12 (nothing at 8 KB) to 1 (every byte)
  let lo = -12;
  let hi = 0;
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 40; i++) {
    const m1 = hi - g * (hi - lo);
    const m2 = lo + g * (hi - lo);
    if (profile(m1) < profile(m2)) lo = m1;
    else hi = m2;
  }
  let u = (lo + hi) / 2;
  // the far end of a flat ridge: the largest b whose fit is as good, within rounding
  const top = profile(u);
  const tolerance = 1e-9 * Math.max(1, Math.abs(top));
  let right = 0;
  if (profile(right) < top - tolerance) {
    let left = u;
    for (let i = 0; i < 40; i++) {
      const mid = (left + right) / 2;
      if (profile(mid) >= top - tolerance) left = mid;
      else right = mid;
    }
    u = left;
  } else u = right;
  const b = 10 ** u;
  return { perLine: bestPerLine(obs, b), perByte: u <= -11.9 ? 0 : b };
}
