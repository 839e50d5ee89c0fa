// @vitest-environment happy-dom
// The two things that keep live plots from freezing: a series that never grows past its bound,
// and commits batched to frames at a bounded rate.
import { describe, expect, it } from 'vitest';
import { BoundedSeries } from '../../renderer/src/fold/bounded-series';
import { FrameThrottle } from '../../renderer/src/fold/frame-throttle';
import { FakeFrames } from './support/fake-frames';

describe('BoundedSeries', () => {
  it('keeps every point until it is full', () => {
    const s = new BoundedSeries(8);
    for (let i = 0; i < 7; i++) s.push(i, i * 2);
    expect(s.points()).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => ({ x: i, y: i * 2 })));
  });

  it('halves itself when full and keeps the first and the newest point', () => {
    const s = new BoundedSeries(100);
    for (let i = 1; i <= 100_000; i++) s.push(i, Math.sin(i));
    const p = s.points();
    expect(p.length).toBeLessThanOrEqual(100);
    expect(p.length).toBeGreaterThanOrEqual(50);
    expect(p[0]?.x).toBe(1);
    expect(p.at(-1)?.x).toBe(100_000);
    expect(s.last?.x).toBe(100_000);
    // evenly spread: no gap much wider than the average
    const gaps = p.slice(1).map((q, i) => q.x - p[i]!.x);
    expect(Math.max(...gaps)).toBeLessThanOrEqual((3 * 100_000) / p.length);
  });

  it('keeps a scatter’s points in the order they came, whatever their x, thinned evenly over that order', () => {
    const s = new BoundedSeries(64);
    // points of a scatter: x jumps about; the order they came in is the run's
    for (let i = 0; i < 10_000; i++) s.push(((i * 7919) % 1000) - 500, i);
    const p = s.points();
    expect(p.length).toBeLessThanOrEqual(64);
    expect(p.every((q, i) => i === 0 || q.y > p[i - 1]!.y)).toBe(true);
    expect(p.every((q) => q.x === ((q.y * 7919) % 1000) - 500)).toBe(true);
    expect(p[0]?.y).toBe(0);
    expect(p.at(-1)?.y).toBe(9999);
  });

  it('leaves out points that are not finite, and refuses a bound too small to mean anything', () => {
    const s = new BoundedSeries(4);
    s.push(1, null);
    s.push(2, Number.NaN);
    s.push(Number.POSITIVE_INFINITY, 1);
    expect(s.length).toBe(0);
    expect(() => new BoundedSeries(2)).toThrow(RangeError);
  });
});

describe('FrameThrottle', () => {
  it('commits once per frame at most, and no more often than its rate', () => {
    const frames = new FakeFrames();
    let commits = 0;
    const t = new FrameThrottle(() => commits++, 5, frames);
    for (let i = 0; i < 1000; i++) t.schedule();
    frames.advance(16);
    expect(commits).toBe(1);
    for (let ms = 0; ms < 1000; ms += 16) {
      t.schedule();
      frames.advance(16);
    }
    expect(commits).toBeGreaterThanOrEqual(5);
    expect(commits).toBeLessThanOrEqual(7);
  });

  it('does nothing when nothing changed, and flushes at once on demand', () => {
    const frames = new FakeFrames();
    let commits = 0;
    const t = new FrameThrottle(() => commits++, 5, frames);
    frames.advance(1000);
    expect(commits).toBe(0);
    t.schedule();
    t.flush();
    expect(commits).toBe(1);
    frames.advance(1000);
    expect(commits).toBe(1);
    t.schedule();
    t.cancel();
    frames.advance(1000);
    expect(commits).toBe(1);
  });
});
