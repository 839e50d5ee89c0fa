// A series that never grows past its bound: once full, every other point is dropped and from
// then on only every stride-th new point is kept (the stride doubling each time), while the
// newest point is always shown. A live plot over hours of batches stays a few thousand points,
// evenly spread over the whole run; Chart.js's decimation thins it further to the canvas width.

export interface Point {
  readonly x: number;
  readonly y: number;
}

export class BoundedSeries {
  private kept: Point[] = [];
  /** the newest point, when it was not kept */
  private tail: Point | null = null;
  private stride = 1;
  private sinceKept = 0;

  constructor(readonly max = 2000) {
    if (!Number.isInteger(max) || max < 4) throw new RangeError(`a series keeps at least 4 points, not ${max}`);
  }

  /** Add a point; a y that is not finite (an SNR of a run with no error yet) is left out. */
  push(x: number, y: number | null): void {
    if (y === null || !Number.isFinite(y) || !Number.isFinite(x)) return;
    const p = { x, y };
    this.sinceKept++;
    if (this.kept.length === 0 || this.sinceKept >= this.stride) {
      this.kept.push(p);
      this.sinceKept = 0;
      this.tail = null;
      if (this.kept.length >= this.max) this.compact();
    } else {
      this.tail = p;
    }
  }

  get length(): number {
    return this.kept.length + (this.tail ? 1 : 0);
  }

  /** The points to draw, oldest first (a new array). */
  points(): Point[] {
    return this.tail ? [...this.kept, this.tail] : this.kept.slice();
  }

  get last(): Point | null {
    return this.tail ?? this.kept.at(-1) ?? null;
  }

  clear(): void {
    this.kept = [];
    this.tail = null;
    this.stride = 1;
    this.sinceKept = 0;
  }

  private compact(): void {
    const last = this.kept.length - 1;
    this.kept = this.kept.filter((_, i) => i % 2 === 0 || i === last);
    this.stride *= 2;
  }
}
