// npm run bench -- compare: two 1,000,000-vector runs of different simulated dies over one stimulus
// (made once, bench/big-runs.mts), compared through the Bench service as the server's
// compare.runs and compare.run do: their seconds (wall and CPU, every thread of the process) against
// the 5 s target, beside the baseline of reading both runs from the store in the same process
// (store.blocks, every measured value decoded; and the comparison's own plane-by-plane reading),
// and the longest the event loop waited meanwhile (the engine's other clients wait that long).
import { systemClock } from '../drivers/clock';
import { closeCompareThreads } from '../engine/compare/compare-threads';
import { Bench } from '../engine/service/bench';
import { planeBlocks } from '../engine/store/block-planes';
import { bigRuns } from './big-runs.mjs';
import { median, report, type Row } from './report';

const ROUNDS = 3;
const TARGET_S = 5;

/** CPU seconds of this process so far (all its threads). */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Wall and CPU seconds of fn, and the longest gap between 10 ms ticks of the event loop meanwhile. */
async function measure(fn: () => unknown): Promise<{ wall: number; cpu: number; lagMs: number }> {
  let last = performance.now();
  let lag = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    lag = Math.max(lag, now - last - 10);
    last = now;
  }, 10);
  const c0 = cpu();
  const t0 = performance.now();
  await fn();
  const wall = (performance.now() - t0) / 1000;
  clearInterval(tick);
  lag = Math.max(lag, performance.now() - last - 10);
  return { wall, cpu: cpu() - c0, lagMs: lag };
}

export async function benchCompare(vectors = 1_000_000): Promise<void> {
  const runs = await bigRuns(vectors);
  const bench = new Bench({ dbPath: runs.dbPath, clock: systemClock, session: { operator: 'bench', bench: 'compare', ambientC: null, notes: null } });
  const store = bench.store;
  const readAll = () => {
    let n = 0;
    for (const id of [runs.a, runs.b]) for (const b of store.blocks(id)) n += b.codes.length;
    return n;
  };
  const readPlanes = () => {
    let n = 0;
    for (const id of [runs.a, runs.b]) for (const b of planeBlocks(store, id)) n += b.macs;
    return n;
  };
  const results: Record<string, { wall: number; cpu: number; lagMs: number }[]> = { runs: [], run: [], read: [], planes: [] };
  try {
    for (let r = 0; r < ROUNDS; r++) {
      results.runs!.push(await measure(() => bench.compareRuns(runs.a, runs.b)));
      results.run!.push(await measure(() => bench.compareRun(runs.b)));
      results.read!.push(await measure(readAll));
      results.planes!.push(await measure(readPlanes));
      console.log(
        `round ${r + 1}: ${Object.entries(results)
          .map(([k, v]) => `${k} ${v.at(-1)!.wall.toFixed(2)} s`)
          .join(', ')}`,
      );
    }
  } finally {
    await bench.close();
    await closeCompareThreads();
  }
  const med = (k: string, f: 'wall' | 'cpu' | 'lagMs') => median(results[k]!.map((x) => x[f]));
  const rows: Row[] = [
    ['compare.runs s', med('runs', 'wall'), `two ${vectors.toLocaleString('en-US')}-vector runs, MAC by MAC; median of ${ROUNDS}`],
    ['compare.runs / target', med('runs', 'wall') / TARGET_S, `target ${TARGET_S} s`],
    ['compare.runs CPU s', med('runs', 'cpu'), 'every thread'],
    ['compare.runs loop lag ms', med('runs', 'wall') > 0 ? Math.max(...results.runs!.map((x) => x.lagMs)) : 0, 'longest event-loop wait, any round'],
    ['compare.run s', med('run', 'wall'), 'the noisy die against the model'],
    ['compare.run / target', med('run', 'wall') / TARGET_S, `target ${TARGET_S} s`],
    ['compare.run CPU s', med('run', 'cpu'), 'every thread'],
    ['compare.run loop lag ms', Math.max(...results.run!.map((x) => x.lagMs)), 'longest event-loop wait, any round'],
    ['read both runs s', med('read', 'wall'), 'baseline: store.blocks, every value decoded, this thread'],
    ['read both runs CPU s', med('read', 'cpu'), ''],
    ['read both, by plane s', med('planes', 'wall'), "the comparison's reading (block-planes.ts), this thread"],
    ['load average', (await import('node:os')).loadavg()[0] ?? 0, '2 cores: wall times stretch with it'],
  ];
  report('compare', rows);
}
