// npm run bench -- export [--vectors N] [--db FILE]: a large simulated run exported to Parquet
// (blocks encoded in threads, and in this thread alone), against reading the same run from SQLite
// alone (store.blocks, every measured value decoded) in the same process, rounds interleaved; the
// file's size against the run's bytes in the store (SQLite pages, dbstat); the memory the export
// holds; CSV and JSON Lines once, and two other row-group sizes (docs/benchmarks.md). --db keeps the
// run in FILE (made there when FILE does not exist, else its last run is read), to measure again.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { systemClock } from '../drivers/clock';
import { fileSink, type ByteSink } from '../engine/export/byte-sink';
import { exportRun, exportRunTo } from '../engine/export/export-run';
import { PARQUET_DEFAULTS } from '../engine/export/parquet-format';
import { Bench } from '../engine/service/bench';
import { blocksWithModel } from '../engine/store/block-reader';
import { openRunStore } from '../engine/store/store';
import { median, report } from './report';

const ROUNDS = 3;

// bench/main.mts takes every argument for a benchmark's name: the options are taken out of argv
// here, when main imports this module, before it reads them.
function takeOption(name: string): string | null {
  const i = process.argv.indexOf(name);
  if (i < 0) return null;
  const value = process.argv[i + 1] ?? '';
  process.argv.splice(i, 2);
  return value;
}
const VECTORS = Number(takeOption('--vectors') ?? 200_000);
if (!(Number.isInteger(VECTORS) && VECTORS >= 1000)) {
  console.error('export: --vectors takes a whole number of vectors, at least 1000');
  process.exit(2);
}
const KEEP_DB = takeOption('--db');
/** A row as typed arrays: 7 int32 columns, 3 doubles, 2 level bytes and 64 int16 codes (default profile). */
const ROW_BYTES = 7 * 4 + 3 * 8 + 2 + 64 * 2;

/** Bytes of SQLite pages of these tables and their indexes. */
function pages(db: Database.Database, tables: readonly string[]): number {
  const like = tables.map(() => `name = ? OR name LIKE 'sqlite_autoindex_' || ? || '%'`).join(' OR ');
  return (db.prepare(`SELECT coalesce(sum(pgsize), 0) AS n FROM dbstat WHERE ${like}`).get(...tables.flatMap((n) => [n, n])) as { n: number }).n;
}

/** CPU seconds of this process so far (all its threads): steadier than wall time on a shared machine. */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

let lastCpu = 0;
/** Wall seconds of fn; its CPU seconds in lastCpu. */
const seconds = async (fn: () => unknown) => {
  const c0 = cpu();
  const t0 = performance.now();
  await fn();
  lastCpu = cpu() - c0;
  return (performance.now() - t0) / 1000;
};

/** Memory in use: the JS heap and the buffers outside it (typed arrays, zlib). */
const inUse = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** A completed simulated run of `vectors` relu vectors in osa mode in the store at `dbPath`. */
async function makeRun(dbPath: string, vectors: number): Promise<void> {
  const made = performance.now();
  const bench = new Bench({ dbPath, clock: systemClock, session: { operator: 'bench', bench: 'export', ambientC: null, notes: null } });
  const handle = await bench.startRun({ board: 'sim', workload: { kind: 'relu', vectors, seed: 1 }, mode: 'osa' });
  const summary = await handle.done;
  await bench.close();
  console.log(`made a ${vectors}-vector run in ${((performance.now() - made) / 1000).toFixed(1)} s (${summary.state})`);
}

export async function benchExport(wanted = VECTORS): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'osa-bench-export-'));
  const dbPath = KEEP_DB ?? join(dir, 'run.db');
  if (!existsSync(dbPath)) await makeRun(dbPath, wanted);

  const { store } = openRunStore(dbPath);
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  const run = store.listRuns(1)[0];
  if (!run) throw new Error(`no run in ${dbPath}`);
  const runId = run.id;
  const last = store.blockSummaries(runId).at(-1);
  const vectors = last ? last.firstVector + last.vectors : 0;
  const macs = vectors * (last?.outputs ?? 0);
  if (vectors !== wanted) console.log(`${dbPath} holds a run of ${vectors} vectors: measuring that one`);
  const results = pages(store.db, ['result_blocks', 'power']);
  const wire = pages(store.db, ['wire_log']);
  const sets = pages(store.db, ['vector_set_chunks', 'vector_sets', 'weight_sets']);
  const storeBytes = results + wire + sets;
  const fileBytes = statSync(dbPath).size;

  const read = () => {
    let n = 0;
    for (const b of store.blocks(runId)) n += b.digital.length + b.codes.length;
    return n;
  };
  const readWithModel = () => {
    let n = 0;
    for (const b of blocksWithModel(store, runId)) n += b.modelYhat.length;
    return n;
  };
  const out = join(dir, 'run.parquet');
  const tRead: number[] = [];
  const tModel: number[] = [];
  const tParquet: number[] = [];
  const tInline: number[] = [];
  const cpuRatios: number[] = [];
  const tParquetCpu: number[] = [];
  const tInlineCpu: number[] = [];
  const tNoModel: number[] = [];
  const tNoModelCpu: number[] = [];
  read(); // warm: the first pass also brings the file into the page cache
  for (let r = 0; r < ROUNDS; r++) {
    tRead.push(await seconds(read));
    const readCpu = lastCpu;
    tModel.push(await seconds(readWithModel));
    tParquet.push(await seconds(() => exportRun(store, runId, out, { format: 'parquet' })));
    cpuRatios.push(readCpu / lastCpu);
    tParquetCpu.push(lastCpu);
    tInline.push(await seconds(() => exportRun(store, runId, out, { format: 'parquet', parquet: { workers: 0 } })));
    tInlineCpu.push(lastCpu);
    tNoModel.push(await seconds(() => exportRun(store, runId, join(dir, 'no-model.parquet'), { format: 'parquet', model: false })));
    tNoModelCpu.push(lastCpu);
  }
  const noModelBytes = statSync(join(dir, 'no-model.parquet')).size;
  const noModelRatios = tNoModel.map((t, r) => (tRead[r] as number) / t);
  const parquetBytes = statSync(out).size;
  const ratios = tParquet.map((t, r) => (tRead[r] as number) / t);
  const inlineRatios = tInline.map((t, r) => (tRead[r] as number) / t);

  // memory the export holds, sampled at every chunk it hands to the file: flat over the run if it holds one row group
  const samples: { bytes: number; inUse: number }[] = [];
  const before = inUse();
  const file = await fileSink(join(dir, 'memory.parquet'));
  const sampling: ByteSink = {
    get bytes() {
      return file.bytes;
    },
    write: (chunk) => {
      samples.push({ bytes: file.bytes, inUse: inUse() - before });
      return file.write(chunk);
    },
  };
  // in this thread alone, where the heap measured is the whole export's (threads have heaps of their own, each holding its blocks in flight)
  await exportRunTo(store, runId, sampling, { format: 'parquet', parquet: { workers: 0 } });
  await file.commit();
  const half = file.bytes / 2;
  const peakFirst = Math.max(...samples.filter((x) => x.bytes < half).map((x) => x.inUse));
  const peakSecond = Math.max(...samples.filter((x) => x.bytes >= half).map((x) => x.inUse));

  const csv = join(dir, 'run.csv');
  const json = join(dir, 'run.jsonl');
  const tCsv = await seconds(() => exportRun(store, runId, csv, { format: 'csv' }));
  const csvBytes = statSync(csv).size;
  rmSync(csv);
  const tJson = await seconds(() => exportRun(store, runId, json, { format: 'json' }));
  const jsonBytes = statSync(json).size;
  rmSync(json);
  const groups = [];
  for (const rowGroupRows of [8192, 16384]) {
    const path = join(dir, `rg${rowGroupRows}.parquet`);
    const t = await seconds(() => exportRun(store, runId, path, { format: 'parquet', parquet: { ...PARQUET_DEFAULTS, rowGroupRows } }));
    groups.push({ rowGroupRows, rate: vectors / t, cpuRate: vectors / lastCpu, bytes: statSync(path).size });
  }
  store.close();
  rmSync(join(dir, 'run.parquet'), { force: true });
  rmSync(dir, { recursive: true, force: true });

  const vps = (t: number) => vectors / t;
  const mb = (b: number) => b / 1e6;
  const def = PARQUET_DEFAULTS.rowGroupRows;
  report('export', [
    [
      'read from SQLite (store.blocks), vectors/s',
      vps(median(tRead)),
      `${vectors} relu vectors, osa, ${macs} MACs; median of ${ROUNDS} rounds, best ${Math.round(vps(Math.min(...tRead)))}`,
    ],
    ['read + model recomputed (blocksWithModel), vectors/s', vps(median(tModel)), `best ${Math.round(vps(Math.min(...tModel)))}`],
    [
      'Parquet export, vectors/s',
      vps(median(tParquet)),
      `best ${Math.round(vps(Math.min(...tParquet)))}; ${PARQUET_DEFAULTS.workers} encoder threads; GZIP level ${PARQUET_DEFAULTS.gzipLevel}, row groups of ${def} rows at most`,
    ],
    ['Parquet export speed / read speed', median(ratios), `per round: ${ratios.map((x) => x.toFixed(3)).join(', ')} (target >= 1)`],
    ['the same in CPU time (all threads)', median(cpuRatios), `per round: ${cpuRatios.map((x) => x.toFixed(3)).join(', ')}`],
    ['Parquet export in this thread alone, vectors/s', vps(median(tInline)), `${Math.round(vectors / median(tInlineCpu))} vectors per CPU second`],
    ['  its speed / read speed', median(inlineRatios), `per round: ${inlineRatios.map((x) => x.toFixed(3)).join(', ')}`],
    [
      "Parquet export without the model's columns (model: false), vectors/s",
      vps(median(tNoModel)),
      `${Math.round(vectors / median(tNoModelCpu))} vectors per CPU second`,
    ],
    [
      '  without the model: its speed / read speed',
      median(noModelRatios),
      `per round: ${noModelRatios.map((x) => x.toFixed(3)).join(', ')}; file ${mb(noModelBytes).toFixed(1)} MB, ${(noModelBytes / storeBytes).toFixed(3)} of the run's bytes in the store`,
    ],
    ['Parquet file (MB)', mb(parquetBytes), `${(parquetBytes / macs).toFixed(1)} bytes per MAC, ${(parquetBytes / vectors).toFixed(0)} per vector`],
    [
      "the run's bytes in the store (MB)",
      mb(storeBytes),
      `result blocks + power ${mb(results).toFixed(1)}, wire log ${mb(wire).toFixed(1)}, vector and weight sets ${mb(sets).toFixed(1)}; file ${mb(fileBytes).toFixed(1)}`,
    ],
    [
      'Parquet file / run bytes in the store',
      parquetBytes / storeBytes,
      `(target <= 0.333); against result blocks + power alone ${(parquetBytes / results).toFixed(2)}`,
    ],
    ['memory in use during the export, first half, peak (MB)', mb(peakFirst), 'JS heap (garbage included) + array buffers above the start, sampled at each write'],
    [
      'memory in use during the export, second half, peak (MB)',
      mb(peakSecond),
      `bounded by a row group: the run's ${macs} rows as typed arrays would take ${mb(macs * ROW_BYTES).toFixed(0)} MB`,
    ],
    ['CSV export, vectors/s', vps(tCsv), `one round; ${mb(csvBytes).toFixed(0)} MB`],
    ['JSON Lines export, vectors/s', vps(tJson), `one round; ${mb(jsonBytes).toFixed(0)} MB`],
    ['Parquet export, vectors per CPU second', vectors / median(tParquetCpu), `row groups of ${def} rows at most, all threads`],
    ...groups.map(({ rowGroupRows, rate, cpuRate, bytes }): [string, number, string] => [
      `Parquet, row groups of ${rowGroupRows} rows, vectors/s`,
      rate,
      `one round; ${Math.round(cpuRate)} vectors per CPU second; ${mb(bytes).toFixed(1)} MB`,
    ]),
  ]);
}
