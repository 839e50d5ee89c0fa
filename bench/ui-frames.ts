// What the ui benchmarks measure in the page: frame intervals (requestAnimationFrame), the JS heap
// (CDP), percentiles, and polling (the page's CSP forbids waitForFunction's string predicates).
import type { CDPSession, Page } from 'playwright-core';

export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

/** The page's JS heap in MB after a full collection. */
export async function heapMb(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN) / 2 ** 20;
}

/** Start recording requestAnimationFrame timestamps in the page. */
export async function recordFrames(page: Page): Promise<void> {
  // no named functions in here: tsx would wrap them in a helper (__name) the page does not have
  await page.evaluate(() => {
    const g = globalThis as unknown as { __frames: number[]; __tick(this: void, t: number): void; requestAnimationFrame(this: void, cb: (t: number) => void): number };
    g.__frames = [];
    g.__tick = (t: number) => {
      g.__frames.push(t);
      g.requestAnimationFrame(g.__tick);
    };
    g.requestAnimationFrame(g.__tick);
  });
}

/** The frame intervals recorded so far (ms), and the recording emptied. */
export async function takeFrames(page: Page): Promise<number[]> {
  const stamps = await page.evaluate(() => {
    const g = globalThis as unknown as { __frames: number[] };
    const s = g.__frames;
    g.__frames = s.length > 0 ? [s[s.length - 1] ?? 0] : [];
    return s;
  });
  return stamps.slice(1).map((t, i) => t - (stamps[i] ?? t));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Poll until `check` holds. */
export async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`ui: gave up waiting after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** "p95 x ms (n frames; median, p99, max)" of frame intervals. */
export function frameNote(frames: readonly number[]): string {
  const med = percentile(frames, 50);
  return `${frames.length} frames; median ${med.toFixed(1)}, p99 ${percentile(frames, 99).toFixed(1)}, max ${Math.max(...frames).toFixed(0)} ms`;
}
