// Two large simulated runs of different dies over one stimulus, made once and kept in a temporary
// folder keyed by their parameters (making a 1,000,000-vector run takes minutes): the compare and
// open-run benchmarks read them.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../drivers/clock';
import { Bench } from '../engine/service/bench';

export interface BigRuns {
  readonly dbPath: string;
  /** the typical die's run, then the noisy die's */
  readonly a: number;
  readonly b: number;
  readonly vectors: number;
}

/** The store with both runs: made when missing (into a scratch file, renamed when both are complete). */
export async function bigRuns(vectors = 1_000_000, seed = 1, batch = 4096): Promise<BigRuns> {
  const dir = join(tmpdir(), 'osa-bench-big-runs');
  mkdirSync(dir, { recursive: true });
  const dbPath = join(dir, `relu-osa-${vectors}-s${seed}-b${batch}.db`);
  if (existsSync(dbPath)) return { dbPath, a: 1, b: 2, vectors };
  const scratch = `${dbPath}.making`;
  for (const f of [scratch, `${scratch}-wal`, `${scratch}-shm`]) rmSync(f, { force: true });
  const t0 = performance.now();
  const bench = new Bench({ dbPath: scratch, clock: systemClock, session: { operator: 'bench', bench: 'big-runs', ambientC: null, notes: null } });
  try {
    for (const die of [undefined, 'drivers/sim/dies/noisy.json']) {
      const h = await bench.startRun({ board: 'sim', die, workload: { kind: 'relu', vectors, seed }, mode: 'osa', batch, wireLog: false });
      const s = await h.done;
      if (s.state !== 'completed') throw new Error(`the run for the benchmark ended ${s.state}`);
    }
  } finally {
    await bench.close();
  }
  renameSync(scratch, dbPath);
  console.log(`made two ${vectors}-vector runs in ${((performance.now() - t0) / 1000).toFixed(0)} s: ${dbPath}`);
  return { dbPath, a: 1, b: 2, vectors };
}
