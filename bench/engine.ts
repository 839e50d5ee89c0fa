// Benchmarks of the engine: end-to-end throughput with logging on and off, SQLite ingest, bytes
// per million vectors, and the memory of a million-vector run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { BoardClient } from '../drivers/client/board-client';
import { streamBatches } from '../drivers/client/batch-stream';
import { systemClock } from '../drivers/clock';
import { parseDieConfig } from '../drivers/sim/die-config';
import { SimBoard } from '../drivers/sim/sim-board';
import { inProcessPair } from '../drivers/transport/in-process';
import { addressBoardLink, simBoardLink } from '../engine/board/board-link';
import type { LineTransport } from '../drivers/transport/line-transport';
import { ptyProcessLink } from './link';
import { boardRunConfig, executeRun } from '../engine/run/run-engine';
import { openRunStore } from '../engine/store/store';
import { workerBlockWriter } from '../engine/store/block-writer';
import { compareWithModel } from '../shared/analysis/compare';
import { createDieModel } from '../shared/model/evaluator';
import { intMatrix } from '../shared/model/matrix';
import { DEFAULT_PROFILE } from '../shared/model/profile';
import { resultLayout } from '../shared/protocol/data-blocks';
import { workloadSource } from '../shared/workload/generators';
import { median, report } from './report';
import { benchStore } from './store';

const BIN = fileURLToPath(new URL('../bin/osa-bench.mjs', import.meta.url));
const spec = (vectors: number) => ({ kind: 'relu' as const, vectors, seed: 1 });

/** Logging off: the same stream and model comparison, nothing written; in-process, or over `host`. */
async function pipelineWithoutStore(vectors: number, host?: LineTransport): Promise<number> {
  const board = new SimBoard({ die: { ...parseDieConfig({}) }, clock: systemClock });
  let link = host;
  if (!link) {
    const pair = inProcessPair();
    board.attach(pair.board);
    link = pair.host;
  }
  const client = new BoardClient(link, { clock: systemClock, timeoutMs: 2000 });
  await client.connect();
  const w = workloadSource(DEFAULT_PROFILE, spec(vectors));
  const config = { mode: 'osa' as const };
  const runConfig = boardRunConfig(DEFAULT_PROFILE, config);
  await client.configure(runConfig);
  await client.writeWeights(w.weights.data);
  const model = createDieModel(DEFAULT_PROFILE, w.weights);
  const t0 = performance.now();
  await streamBatches(client, w.vectors, {
    layout: resultLayout(client.capabilities, runConfig),
    batchVectors: 4096,
    onBatch: (b) => {
      const expected = model.evaluate(intMatrix(b.count, 256, b.vectors), config, { codes: true });
      compareWithModel(DEFAULT_PROFILE, model.geometry, expected, b.results);
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  await client.close();
  board.stop();
  return vectors / seconds;
}

/** Logging on: executeRun into a fresh database file (wire log too), in-process or to a device. */
let runCount = 0;

async function engineRun(vectors: number, dir: string, threaded: boolean, device?: string, logWire = true) {
  const path = join(dir, `run-${++runCount}.db`); // one database per run: its size is the run's
  const { store } = openRunStore(path);
  let commitMs = 0;
  const commit = store.commitBlock.bind(store);
  store.commitBlock = (...args) => {
    const t = performance.now();
    commit(...args);
    commitMs += performance.now() - t;
  };
  const board = device ? addressBoardLink({ kind: 'serial', path: device }, systemClock, 2000) : simBoardLink({ die: parseDieConfig({}), clock: systemClock });
  const w = workloadSource(DEFAULT_PROFILE, spec(vectors));
  const writer = threaded ? workerBlockWriter(path) : undefined;
  const t0 = performance.now();
  const s = await executeRun(
    { profile: DEFAULT_PROFILE, config: { mode: 'osa' }, weights: w.weights, vectors: w.vectors, source: { generator: 'relu', seed: 1 }, logWire },
    { store, writer, board, clock: systemClock },
  );
  const seconds = (performance.now() - t0) / 1000;
  await writer?.close();
  const wireBytes = (store.db.prepare('SELECT coalesce(sum(length(to_board) + length(to_host)), 0) AS n FROM wire_log').get() as { n: number }).n;
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  await board.dispose();
  const bytes = statSync(path).size + (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
  return { rate: vectors / seconds, commitMs, macs: s.macs, bytes, wireBytes };
}

const ROUNDS = 5;

/**
 * Logging cost from rounds run back to back: each round's logging-on rate against the logging-off
 * rate of the same round, so a machine whose speed drifts over minutes cancels out. Median and range.
 */
function pairedCost(off: readonly number[], on: readonly number[]): { median: number; range: string } {
  const costs = on.map((rate, r) => 100 * (1 - rate / (off[r] as number)));
  return { median: median(costs), range: `${Math.min(...costs).toFixed(1)} to ${Math.max(...costs).toFixed(1)} % over ${costs.length} rounds` };
}

export async function benchEngine(): Promise<void> {
  await benchStore(); // the block format against schema 2's, same blocks, same process
  const dir = mkdtempSync(join(tmpdir(), 'osa-bench-engine-'));
  const n = 50_000;
  await pipelineWithoutStore(4096); // warm the JIT
  // interleaved rounds, medians: this machine's speed drifts by 20 % from minute to minute
  const off: number[] = [];
  const on: Awaited<ReturnType<typeof engineRun>>[] = [];
  const noWire: number[] = [];
  const inline: Awaited<ReturnType<typeof engineRun>>[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    off.push(await pipelineWithoutStore(n));
    on.push(await engineRun(n, dir, true));
    noWire.push((await engineRun(n, dir, true, undefined, false)).rate);
    inline.push(await engineRun(n, dir, false));
  }
  const offRate = median(off);
  const onRate = median(on.map((x) => x.rate));
  const last = on.at(-1) as Awaited<ReturnType<typeof engineRun>>;
  const inlineLast = inline.at(-1) as Awaited<ReturnType<typeof engineRun>>;
  // values per MAC written: D, S, level, yhat, model yhat, model level, exact, and 64 plane codes
  const values = inlineLast.macs * (7 + 64);
  const cost = pairedCost(
    off,
    on.map((x) => x.rate),
  );
  const noWireCost = pairedCost(off, noWire);
  const inlineCost = pairedCost(
    off,
    inline.map((x) => x.rate),
  );
  report('engine', [
    [
      'end to end, in-process, logging off (vectors/s)',
      offRate,
      `${n} relu vectors, osa: stream, run, fetch, compare with the model; median of ${ROUNDS} interleaved rounds`,
    ],
    ['end to end, in-process, logging on (vectors/s)', onRate, 'executeRun, blocks committed by the writer thread (as osa-bench run does), wire log on'],
    ['logging cost (% of throughput)', cost.median, `target <= 15 %; median of paired rounds, ${cost.range}`],
    ['logging on without the wire log (vectors/s)', median(noWire), `${noWireCost.median.toFixed(1)} % cost (${noWireCost.range}); runs over the wire-log size limit`],
    [
      'logging on, commits inline (vectors/s)',
      median(inline.map((x) => x.rate)),
      `${inlineCost.median.toFixed(1)} % cost (${inlineCost.range}): SQLite in the streaming thread`,
    ],
    ['SQLite ingest (values/s, in commit)', values / (inlineLast.commitMs / 1000), `${values} values in ${Math.round(inlineLast.commitMs)} ms of commits`],
    ['database bytes per million vectors', (last.bytes / n) * 1e6, 'results, vector set, power, wire log'],
    ['  of which the wire log', (last.wireBytes / n) * 1e6, 'kept by default for runs up to 100,000 vectors'],
  ]);

  // the same over a pseudo-terminal, the board in its own process (osa-bench sim --pty)
  const m = 20_000;
  const ptyOff: number[] = [];
  const ptyOn: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const a = await ptyProcessLink();
    ptyOff.push(await pipelineWithoutStore(m, a.host));
    await a.close();
    const b = await ptyProcessLink();
    await b.host.close(); // the engine opens the device itself
    ptyOn.push((await engineRun(m, dir, true, b.device)).rate);
    await b.close().catch(() => undefined);
  }
  report('engine-pty', [
    ['end to end over the pty, logging off (vectors/s)', median(ptyOff), `${m} relu vectors, osa; board: osa-bench sim --pty --baud 0; median of ${ROUNDS} rounds`],
    ['end to end over the pty, logging on (vectors/s)', median(ptyOn), 'executeRun, writer thread, wire log on'],
    ['logging cost (% of throughput)', pairedCost(ptyOff, ptyOn).median, `target <= 15 %; median of paired rounds, ${pairedCost(ptyOff, ptyOn).range}`],
  ]);
  rmSync(dir, { recursive: true, force: true });
}

/** RSS of a run of `vectors` in its own process (osa-bench run), sampled as it goes. */
export async function benchMemory(vectors = 1_000_000): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'osa-bench-mem-'));
  const child = spawn(
    process.execPath,
    [BIN, 'run', '--board', 'sim', '--db', join(dir, 'm.db'), '--workload', 'relu', '--vectors', String(vectors), '--mode', 'osa', '--no-wire-log'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const samples: { done: number; rssMb: number }[] = [];
  let done = 0;
  createInterface({ input: child.stderr }).on('line', (l) => {
    const m = /progress [\d.]+% (\d+)\//.exec(l);
    if (m) done = Number(m[1]);
  });
  const timer = setInterval(() => {
    try {
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (rss) samples.push({ done, rssMb: Number(rss[1]) / 1024 });
    } catch {
      // the process has ended
    }
  }, 250);
  const t0 = performance.now();
  await new Promise((r) => child.once('exit', r));
  clearInterval(timer);
  const seconds = (performance.now() - t0) / 1000;
  const at = (f: number) => Math.max(...samples.filter((s) => s.done > 0 && s.done <= f * vectors && s.done > (f - 0.25) * vectors).map((s) => s.rssMb), 0);
  report('memory', [
    ['peak RSS, first quarter of the run (MB)', at(0.25), `${vectors} relu vectors, osa, in-process sim, osa-bench run in its own process`],
    ['peak RSS, second quarter (MB)', at(0.5), ''],
    ['peak RSS, third quarter (MB)', at(0.75), ''],
    ['peak RSS, last quarter (MB)', at(1), ''],
    ['peak RSS overall (MB)', Math.max(...samples.map((s) => s.rssMb)), 'includes making and storing the vector set'],
    ['vectors/s over the whole command', vectors / seconds, ''],
  ]);
  rmSync(dir, { recursive: true, force: true });
}
