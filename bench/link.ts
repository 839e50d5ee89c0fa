// Benchmarks of the board link: codec speed, round trip through the pty, link use when paced, and
// goodput over a noisy link.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { BoardClient } from '../drivers/client/board-client';
import { streamBatches } from '../drivers/client/batch-stream';
import { systemClock } from '../drivers/clock';
import { parseDieConfig } from '../drivers/sim/die-config';
import { NO_FAULTS, parseFaultSpec, type FaultSpec } from '../drivers/sim/faults';
import { SimBoard } from '../drivers/sim/sim-board';
import { inProcessPair } from '../drivers/transport/in-process';
import type { LineTransport } from '../drivers/transport/line-transport';
import { openSerial } from '../drivers/transport/serial';
import { simBoardLink } from '../engine/board/board-link';
import { executeRun } from '../engine/run/run-engine';
import { openRunStore } from '../engine/store/store';
import { DEFAULT_PROFILE, parseDieProfile } from '../shared/model/profile';
import { decodeBase64, encodeBase64 } from '../shared/protocol/base64';
import { crc32Ascii } from '../shared/protocol/crc32';
import { allocateResultBlock, decodeResults, encodeResults, resultLayout } from '../shared/protocol/data-blocks';
import { encodeRequest, parseRequestLine } from '../shared/protocol/frame';
import type { BoardRunConfig } from '../shared/protocol/payloads';
import { generateWorkload } from '../shared/workload/generators';
import { matrixSource } from '../shared/workload/vector-source';
import { median, report, timeIt } from './report';

const OSA: BoardRunConfig = { mode: 'osa', levels: DEFAULT_PROFILE.levels, thresholds: DEFAULT_PROFILE.thresholds, salientInputBits: DEFAULT_PROFILE.salientInputBits };

/** MB/s of fn over `bytes`, median of 5 runs of `reps` calls. */
function mbps(bytes: number, reps: number, fn: () => void): number {
  fn();
  return median(
    Array.from(
      { length: 5 },
      () =>
        (bytes * reps) /
        1e6 /
        timeIt(() => {
          for (let r = 0; r < reps; r++) fn();
        }),
    ),
  );
}

export function benchCodec(): void {
  const data = Uint8Array.from({ length: 6000 }, (_, k) => (k * 131) % 256);
  const text = encodeBase64(data);
  const line = encodeRequest(42, 'VEC', [0, 23, 'B', text]);
  const caps = { rows: 256, outputs: 8, inputBits: 8, weightBits: 8, adcBits: 6, vectorCapacity: 4096, resultCapacity: 4096, window: 8, maxLine: 8192, clockMHz: 100 };
  const layout = resultLayout(caps, OSA);
  const block = allocateResultBlock(0, 10, 8, 64);
  block.codes.fill(7);
  const results = encodeResults(block, 0, 10, layout, 'B');
  const reps = 400;
  const b64Enc = mbps(data.length, reps, () => encodeBase64(data));
  const bufEnc = mbps(data.length, reps, () => Buffer.from(data).toString('base64'));
  const b64Dec = mbps(data.length, reps, () => decodeBase64(text));
  const bufDec = mbps(data.length, reps, () => Buffer.from(text, 'base64'));
  const crc = mbps(line.length, reps, () => crc32Ascii(line));
  const zcrc = mbps(line.length, reps, () => crc32(line));
  const frameEnc = mbps(line.length, reps, () => encodeRequest(42, 'VEC', [0, 23, 'B', text]));
  const frameDec = mbps(line.length, reps, () => parseRequestLine(line));
  const resEnc = mbps(results.length, reps, () => encodeResults(block, 0, 10, layout, 'B'));
  const resDec = mbps(results.length, reps, () => decodeResults(results, 'B', 0, 10, layout));
  report('codec', [
    ['base64 encode (MB/s of data)', b64Enc, `Node Buffer: ${bufEnc.toFixed(0)} MB/s, ratio ${(b64Enc / bufEnc).toFixed(2)}`],
    ['base64 decode (MB/s of data)', b64Dec, `Node Buffer: ${bufDec.toFixed(0)} MB/s, ratio ${(b64Dec / bufDec).toFixed(2)}`],
    ['CRC-32 (MB/s)', crc, `zlib.crc32 (native): ${zcrc.toFixed(0)} MB/s, ratio ${(crc / zcrc).toFixed(2)}`],
    ['frame encode, 8 KB VEC line (MB/s of line)', frameEnc, 'base64 + CRC + join'],
    ['frame parse + CRC check (MB/s of line)', frameDec, ''],
    ['result records encode (MB/s of text)', resEnc, '10 vectors x 8 outputs per line'],
    ['result records decode (MB/s of text)', resDec, ''],
  ]);
}

function inProcessLink(baud: number): { host: LineTransport; board: SimBoard; close(): Promise<void> } {
  const board = new SimBoard({ die: parseDieConfig({}), clock: systemClock, link: { baud, latencyMs: 0 } });
  const pair = inProcessPair();
  board.attach(pair.board);
  return {
    host: pair.host,
    board,
    close: () => {
      board.stop();
      return Promise.resolve();
    },
  };
}

/** The simulated board as its own process (`osa-bench sim --pty`), as a board is its own hardware. */
export async function ptyProcessLink(): Promise<{ host: LineTransport; device: string; close(): Promise<void> }> {
  const bin = fileURLToPath(new URL('../bin/osa-bench.mjs', import.meta.url));
  const child = spawn(process.execPath, [bin, 'sim', '--pty', '--baud', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const device = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (l) => {
      const m = /^device: (\S+)$/.exec(l);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`osa-bench sim exited with ${code}`)));
  });
  const host = await openSerial(device);
  return {
    host,
    device,
    close: async () => {
      await host.close();
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

/** Stream `vectors` relu vectors through a board; wall time and, in-process, the board's wire statistics. */
async function stream(link: { host: LineTransport; board?: SimBoard; close(): Promise<void> }, vectors: number, batchVectors: number) {
  const w = generateWorkload(DEFAULT_PROFILE, { kind: 'relu', vectors, seed: 1 });
  const client = new BoardClient(link.host, { clock: systemClock, timeoutMs: 2000 });
  await client.connect();
  await client.configure(OSA);
  await client.writeWeights(w.weights.data);
  const layout = resultLayout(client.capabilities, OSA);
  let firstRunAt = 0;
  const toHostAtFirst = { busyMs: 0 };
  const t0 = performance.now();
  await streamBatches(client, matrixSource(w.vectors), {
    layout,
    batchVectors,
    onBatch: (b) => {
      if (b.batch === 1) {
        firstRunAt = performance.now();
        toHostAtFirst.busyMs = link.board?.toHost.busyMs ?? 0;
      }
    },
  });
  const t1 = performance.now();
  const stats = { ...(link.board?.toHost ?? { busyMs: 0, bytes: 0, lines: 0 }) };
  await client.close();
  await link.close();
  return {
    seconds: (t1 - t0) / 1000,
    steadySeconds: (t1 - firstRunAt) / 1000,
    toHostBusyMs: stats.busyMs,
    steadyBusyMs: stats.busyMs - toHostAtFirst.busyMs,
    toHostBytes: stats.bytes,
    resent: client.stats.resent,
  };
}

export async function benchRoundTrip(): Promise<void> {
  const n = 20_000;
  const pty = await stream(await ptyProcessLink(), n, 4096);
  const inProc = await stream(inProcessLink(0), n, 4096);
  report('roundtrip', [
    [
      'pty, unpaced (vectors/s)',
      n / pty.seconds,
      `${n} relu vectors, osa, batches of 4096: load, run, fetch every result; board in its own process (osa-bench sim --pty)`,
    ],
    ['in-process, unpaced (vectors/s)', n / inProc.seconds, 'the same, board and host sharing one process and one core'],
    ['pty / in-process', n / pty.seconds / (n / inProc.seconds), ''],
    ['result bytes per vector on the wire', inProc.toHostBytes / n, 'base64 records, framing included'],
  ]);
}

export async function benchLinkUse(): Promise<void> {
  const baud = 3_000_000;
  const n = 8192;
  const r = await stream(inProcessLink(baud), n, 512);
  report('link-use', [
    [
      'board-to-host wire busy, steady state (%)',
      (100 * r.steadyBusyMs) / (r.steadySeconds * 1000),
      `${baud} baud 8N1, ${n} vectors in batches of 512, after the first batch`,
    ],
    ['board-to-host wire busy, whole run (%)', (100 * r.toHostBusyMs) / (r.seconds * 1000), 'including the first upload, when only the host-to-board wire can be busy'],
    ['vectors/s at this baud rate', n / r.seconds, ''],
    ['target: steady state busy (%)', 90, (100 * r.steadyBusyMs) / (r.steadySeconds * 1000) >= 90 ? 'met' : 'NOT met'],
  ]);
}

/** A die with no analog noise or mismatch: its results depend on the vectors only, so runs compare bit for bit. */
const IDEAL_DIE = { adcNoise: 0, columnGainSigma: 0, columnOffsetSigma: 0, processSigma: 0, powerNoise: 0 };

/** Stream `n` vectors through an ideal in-process board behind a paced, faulty wire; a digest of every result. */
async function noisyStream(faults: FaultSpec, n: number, baud: number) {
  const board = new SimBoard({ die: parseDieConfig(IDEAL_DIE), clock: systemClock, link: { baud, latencyMs: 0 }, faults });
  const pair = inProcessPair();
  board.attach(pair.board);
  const w = generateWorkload(DEFAULT_PROFILE, { kind: 'relu', vectors: n, seed: 1 });
  const client = new BoardClient(pair.host, { clock: systemClock });
  const digest = createHash('sha256');
  let vectors = 0;
  const t0 = performance.now();
  try {
    await client.connect();
    await client.configure(OSA);
    await client.writeWeights(w.weights.data);
    await streamBatches(client, matrixSource(w.vectors), {
      layout: resultLayout(client.capabilities, OSA),
      batchVectors: 4096,
      onBatch: (b) => {
        vectors += b.count;
        for (const a of [b.results.digital, b.results.saliency, b.results.level, b.results.codes]) digest.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      },
    });
  } catch (e) {
    console.error(`  ${(e as Error).message}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const stats = { ...client.stats };
  const wire = { toBoard: { ...board.toBoard }, toHost: { ...board.toHost } };
  await client.close();
  board.stop();
  return { vectors, seconds, digest: digest.digest('hex'), stats, wire };
}

export async function benchNoisy(n = 20_000): Promise<void> {
  const baud = 3_000_000;
  const clean = await noisyStream(NO_FAULTS, n, baud);
  const rows: [string, number, string][] = [
    ['clean link (vectors/s)', clean.vectors / clean.seconds, `${n} relu vectors, osa, batches of 4096, ideal die, in-process board at ${baud} baud 8N1`],
  ];
  const cases: [string, string, number | null][] = [
    ['corrupt-bytes=1e-5', 'corrupt-bytes=1e-5,seed=1', 0.8],
    ['corrupt-bytes=1e-4', 'corrupt-bytes=1e-4,seed=1', null],
    ['corrupt=0.2,drop=0.05', 'corrupt=0.2,drop=0.05,seed=1', null],
  ];
  for (const [name, spec, target] of cases) {
    const r = await noisyStream(parseFaultSpec(spec), n, baud);
    const ratio = r.vectors / r.seconds / (clean.vectors / clean.seconds);
    const same = r.vectors === n && r.digest === clean.digest;
    const lines = `wire bytes per vector: to board ${Math.round(r.wire.toBoard.bytes / n)}, to host ${Math.round(r.wire.toHost.bytes / n)}`;
    rows.push(
      [`${name} (vectors/s)`, r.vectors / r.seconds, `${r.vectors}/${n} vectors, results ${same ? 'bit-identical to the clean run' : 'DIFFER from the clean run'}`],
      [`${name} / clean`, ratio, target === null ? 'must complete' : `target >= ${target}: ${ratio >= target ? 'met' : 'NOT met'}`],
      [
        `${name} resends`,
        r.stats.resent,
        `of which early ${r.stats.earlyResends}; timeouts ${r.stats.timeouts}, NAKs ${r.stats.naks}, corrupt lines ${r.stats.corruptLines}; ${lines}`,
      ],
    );
  }
  rows.push([
    'clean resends',
    clean.stats.resent,
    `wire bytes per vector: to board ${Math.round(clean.wire.toBoard.bytes / n)}, to host ${Math.round(clean.wire.toHost.bytes / n)}`,
  ]);
  report('noisy', rows);
  await benchNoisyEngine();
}

/**
 * A run through the engine (`executeRun`) on the in-process simulated board (unpaced, the engine's
 * 1000 ms timeout), batches sized by link time as `osa-bench run` sizes them without --batch:
 * small batches on a lossy link, so many moments with one request in flight. Its results, digested.
 */
async function engineStream(faults: FaultSpec, n: number) {
  const dir = mkdtempSync(join(tmpdir(), 'osa-bench-noisy-'));
  const { store } = openRunStore(join(dir, 'runs.db'));
  const profile = parseDieProfile({});
  const w = generateWorkload(profile, { kind: 'relu', vectors: n, seed: 1 });
  const board = simBoardLink({ die: parseDieConfig(IDEAL_DIE), clock: systemClock, faults });
  const t0 = performance.now();
  const s = await executeRun(
    { profile, config: { mode: 'osa' }, weights: w.weights, vectors: matrixSource(w.vectors), source: { generator: 'relu', seed: 1 }, logWire: false },
    { store, board, clock: systemClock, resumeWithinMs: 10_000 },
  );
  const seconds = (performance.now() - t0) / 1000;
  const digest = createHash('sha256');
  const blocks = [...store.blocks(s.runId)].sort((a, b) => a.firstVector - b.firstVector);
  // field by field over every block: batch boundaries differ from run to run, the results must not
  for (const field of ['digital', 'saliency', 'level', 'codes'] as const)
    for (const b of blocks) digest.update(new Uint8Array(b[field].buffer, b[field].byteOffset, b[field].byteLength));
  const link = JSON.parse(store.events(s.runId).find((e) => e.kind === 'link')?.detail ?? '{}') as Record<string, number>;
  await board.dispose();
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return { vectors: s.vectors, state: s.state, seconds, batches: blocks.length, digest: digest.digest('hex'), link };
}

/** The engine path (batches sized by link time) at the per-line faults, against a clean run in the same command. */
export async function benchNoisyEngine(n = 500): Promise<void> {
  const clean = await engineStream(NO_FAULTS, n);
  const rows: [string, number, string][] = [
    [
      'engine, clean link (vectors/s)',
      clean.vectors / clean.seconds,
      `${n} relu vectors, osa, batches sized by link time, ideal die, in-process board unpaced, executeRun with the engine's 1000 ms timeout; ${clean.batches} batches, ${clean.seconds.toFixed(2)} s`,
    ],
  ];
  const spec = 'corrupt=0.2,drop=0.05';
  const r = await engineStream(parseFaultSpec(`${spec},seed=1`), n);
  const same = r.state === 'completed' && r.vectors === n && r.digest === clean.digest;
  const l = r.link;
  rows.push(
    [
      `engine, ${spec} (vectors/s)`,
      r.vectors / r.seconds,
      `${r.vectors}/${n} vectors in ${r.batches} batches, ${r.seconds.toFixed(2)} s, run ${r.state}, results ${same ? 'bit-identical to the clean run' : 'DIFFER from the clean run'}`,
    ],
    [`engine, ${spec} / clean`, r.vectors / r.seconds / (clean.vectors / clean.seconds), ''],
    [
      `engine, ${spec} resends`,
      l.resent ?? 0,
      `of which early (before a full timeout) ${l.earlyResends ?? 0}; timeouts ${l.timeouts ?? 0}, host stalls ${l.hostStalls ?? 0}, NAKs ${l.naks ?? 0}, corrupt lines ${l.corruptLines ?? 0}, requests ${l.sent ?? 0}`,
    ],
  );
  report('noisy-engine', rows);
}
