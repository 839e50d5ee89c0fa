// npm run bench -- api: what watching runs over the API costs acquisition. The engine is served
// as `osa-bench serve` serves it (the Bench with its writer thread, the server in front); the
// clients are another process, as they would be: their parsing and memory are not the engine's. Three scenarios, interleaved in rounds (this machine's speed drifts): no client; three
// clients subscribed; and two of them with a third that reads nothing for 10 s, its socket first
// filled with answers so that the server's own queue has to hold and coalesce. Figures: the run's
// rate, its cost against no client, server memory, and the latency from a batch's emission (right
// after its commit) to its arrival at a client, both taken on the same clock.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { spawn, type ChildProcess, type Serializable } from 'node:child_process';
import { systemClock } from '../drivers/clock';
import { serveBench, type ServedBench } from '../engine/server/serve-bench';
import { median, report, type Row } from './report';

const VECTORS = 50_000;
const ROUNDS = 5;
const STALL_MS = 10_000;
const SCENARIOS = ['no client', 'three clients', 'one of three stalled'] as const;
type Scenario = (typeof SCENARIOS)[number];

/** Milliseconds since the epoch, comparable between threads. */
const now = () => performance.timeOrigin + performance.now();

interface ClientSetup {
  readonly wsPath: string;
  readonly port: number;
  readonly token: string;
  readonly clients: number;
  /** a raw client that subscribes, then reads nothing for stallMs */
  readonly stalled: { readonly stallMs: number; readonly fill: { readonly runId: number; readonly block: number; readonly requests: number } } | null;
}

interface Receipts {
  /** per live client: [seq, arrival] of each batch document */
  readonly batches: [number, number][][];
  readonly stalledGotStop: boolean | null;
}

// The clients: plain JavaScript for a child process (ws for the live ones, a raw socket for the stalled one).
const CLIENTS = `
const setup = JSON.parse(process.env.OSA_BENCH_CLIENTS);
const parentPort = { postMessage: (m) => process.send(m), on: (e, f) => process.on(e, f) };
const net = require('node:net');
const crypto = require('node:crypto');
const WebSocket = require(setup.wsPath);
const now = () => performance.timeOrigin + performance.now();
const { port, token } = setup;
const live = [];
let stalled = null;

function frame(text) {
  const payload = Buffer.from(text);
  const mask = crypto.randomBytes(4);
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x81, 0x80 | n]) : Buffer.from([0x81, 0x80 | 126, n >> 8, n & 255]);
  return Buffer.concat([head, mask, payload.map((b, i) => b ^ mask[i % 4])]);
}

async function openStalled(fill) {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  socket.write('GET /api?token=' + token + ' HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Key: ' + crypto.randomBytes(16).toString('base64') + '\\r\\nSec-WebSocket-Version: 13\\r\\n\\r\\n');
  await new Promise((resolve) => {
    let head = '';
    const onData = (b) => { head += b.toString('latin1'); if (head.includes('\\r\\n\\r\\n')) { socket.off('data', onData); socket.pause(); resolve(); } };
    socket.on('data', onData);
  });
  for (let i = 0; i < fill.requests; i++) socket.write(frame(JSON.stringify({ jsonrpc: '2.0', id: 'fill' + i, method: 'run.batchData', params: { runId: fill.runId, block: fill.block } })));
  return { socket, gotStop: false };
}

async function connect() {
  if (setup.stalled) stalled = await openStalled(setup.stalled.fill);
  for (let i = 0; i < setup.clients; i++) {
    const ws = new WebSocket('ws://127.0.0.1:' + port + '/api?token=' + token);
    await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
    const c = { ws, batches: [], stopped: null, answered: new Map() };
    ws.on('message', (data) => {
      const t = now();
      const m = JSON.parse(data.toString());
      if (m.method === 'run.document') {
        const d = m.params.document;
        if (d.type === 'batch') c.batches.push([d.seq, t]);
        if (d.type === 'stop') c.stopped?.();
      } else c.answered.get(m.id)?.();
    });
    live.push(c);
  }
}

async function watch(runId) {
  const done = live.map((c) => new Promise((r) => (c.stopped = r)));
  await Promise.all(live.map((c) => new Promise((r) => { c.answered.set(1, r); c.ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'run.subscribe', params: { runId } })); })));
  let stalledDone = Promise.resolve();
  if (stalled) {
    stalled.socket.write(frame(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'run.subscribe', params: { runId } })));
    stalledDone = new Promise((resolve) => setTimeout(() => {
      // reading again: everything queued arrives, the stop document last
      let tail = '';
      stalled.socket.on('data', (b) => { tail = (tail + b.toString('latin1')).slice(-200000); if (tail.includes('"type":"stop"')) { stalled.gotStop = true; resolve(); } });
      stalled.socket.resume();
    }, setup.stalled.stallMs));
  }
  parentPort.postMessage({ kind: 'subscribed' });
  await Promise.all([...done, stalledDone]);
  parentPort.postMessage({ kind: 'receipts', batches: live.map((c) => c.batches), stalledGotStop: stalled ? stalled.gotStop : null });
  for (const c of live) c.ws.close();
  stalled?.socket.destroy();
}

parentPort.on('message', (m) => { if (m.kind === 'watch') watch(m.runId); });
connect().then(() => parentPort.postMessage({ kind: 'connected' }));
`;

class ClientProcess {
  private readonly child: ChildProcess;
  private readonly inbox: { kind: string; [k: string]: unknown }[] = [];
  private wake: (() => void) | null = null;

  constructor(setup: ClientSetup) {
    this.child = spawn(process.execPath, ['-e', CLIENTS], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, OSA_BENCH_CLIENTS: JSON.stringify(setup) },
    });
    this.child.on('message', (m: { kind: string }) => {
      this.inbox.push(m);
      this.wake?.();
    });
  }

  async next<T>(kind: string): Promise<T> {
    for (;;) {
      const i = this.inbox.findIndex((m) => m.kind === kind);
      if (i >= 0) return this.inbox.splice(i, 1)[0] as T;
      if (this.child.exitCode !== null) throw new Error(`the clients' process exited (${this.child.exitCode}) before '${kind}'`);
      await new Promise<void>((r) => {
        this.wake = r;
        this.child.once('exit', () => r());
      });
    }
  }

  post(m: Serializable): void {
    this.child.send(m);
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill();
    });
  }
}

interface Outcome {
  readonly rate: number;
  /** CPU time of the engine's main thread (acquisition and serving; not the writer thread) per 1000 vectors */
  readonly cpuMsPer1000: number;
  /** time spent in the server's listeners while documents are emitted, as a share of the run */
  readonly inEmitShare: number;
  /** emission to arrival of each batch at each live client, ms */
  readonly latencies: number[];
  readonly stalledGotStop: boolean | null;
  readonly stalledQueue: { maxPending: number; coalesced: number } | null;
  readonly peakRss: number;
}

/** One run of `VECTORS` on the simulated board, watched as `scenario` says. */
async function measure(served: ServedBench, scenario: Scenario, fill: { runId: number; block: number }): Promise<Outcome> {
  const wsPath = createRequire(import.meta.url).resolve('ws'); // its CommonJS entry, for the clients' require
  const clients =
    scenario === 'no client'
      ? null
      : new ClientProcess({
          wsPath,
          port: served.server.port,
          token: served.server.token,
          clients: scenario === 'three clients' ? 3 : 2,
          stalled: scenario === 'one of three stalled' ? { stallMs: STALL_MS, fill: { ...fill, requests: 6 } } : null,
        });
  await clients?.next('connected');
  if (scenario === 'one of three stalled') {
    // the stalled client's socket is full once the server holds answers it cannot send
    while (!served.server.clients().some((c) => c.pending > 0)) await new Promise((r) => setTimeout(r, 10));
  }
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

  // no wire log: the same store work in every scenario, and a smaller file
  const handle = await served.bench.startRun({ board: 'sim', workload: { kind: 'relu', vectors: VECTORS, seed: 1 }, mode: 'osa', wireLog: false });
  const emitted = new Map<number, { t: number; firstVector: number; vectors: number; cpu: number }>();
  const entered = new Map<number, number>();
  // subscribed before any client: it sees each document first, as it is emitted
  handle.documents.subscribe((d) => {
    entered.set(d.seq, performance.now());
    if (d.type === 'batch') emitted.set(d.seq, { t: now(), firstVector: d.firstVector, vectors: d.vectors, cpu: mainThreadCpuMs() });
  });
  clients?.post({ kind: 'watch', runId: handle.runId });
  await clients?.next('subscribed');
  const ready = now();
  // and one after the clients' subscriptions: between the two, the server's work in the emit path
  let inEmitMs = 0;
  handle.documents.subscribe((d) => (inEmitMs += performance.now() - (entered.get(d.seq) ?? performance.now())), handle.documents.length);
  await handle.done;
  const receipts = clients ? await clients.next<Receipts>('receipts') : { batches: [], stalledGotStop: null };
  clearInterval(sampler);
  const stalledQueue =
    scenario === 'one of three stalled' ? served.server.clients().reduce((a, c) => (c.coalesced > a.coalesced ? c : a), { maxPending: 0, coalesced: 0 }) : null;
  await clients?.stop();

  // the run's rate from its first batch to its last: the writer thread's start is not acquisition
  const batches = [...emitted.values()];
  const first = batches[0];
  const last = batches.at(-1);
  if (!first || !last || batches.length < 3) throw new Error(`${scenario}: too few batches to time`);
  const vectors = last.firstVector + last.vectors - (first.firstVector + first.vectors);
  const rate = vectors / ((last.t - first.t) / 1000);
  const cpuMs = last.cpu - first.cpu;
  const latencies: number[] = [];
  for (const client of receipts.batches) {
    for (const [seq, arrived] of client) {
      const e = emitted.get(seq);
      if (e && e.t > ready) latencies.push(arrived - e.t); // live ones, not those sent as history
    }
  }
  return {
    rate,
    cpuMsPer1000: (cpuMs / vectors) * 1000,
    inEmitShare: inEmitMs / (last.t - first.t),
    latencies,
    stalledGotStop: receipts.stalledGotStop,
    stalledQueue: stalledQueue && { maxPending: stalledQueue.maxPending, coalesced: stalledQueue.coalesced },
    peakRss,
  };
}

/** CPU time of this process's main thread, ms (Linux: utime + stime of its task, in 10 ms ticks). */
function mainThreadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // fields 14 and 15 of proc(5), counted after the name
}

const percentile = (values: readonly number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const mb = (bytes: number) => bytes / 1024 / 1024;

// the server's memory after a full collection, so that what is left is what it holds
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function memory(): NodeJS.MemoryUsage {
  gc();
  return process.memoryUsage();
}

export async function benchApi(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'osa-bench-api-'));
  const served = await serveBench({
    dbPath: join(dir, 'runs.db'),
    clock: systemClock,
    session: { operator: null, bench: 'bench', ambientC: null, notes: null },
    version: 'bench',
    log: (line) => console.error(line),
  });
  try {
    // warm up, and a run with a big block for the stalled client's socket to choke on
    const warm = await served.bench.startRun({ board: 'sim', workload: { kind: 'relu', vectors: 4000, seed: 2 }, mode: 'osa', batch: 2000 });
    await warm.done;
    const fill = { runId: warm.runId, block: 0 };
    const before = memory();

    const out = new Map<Scenario, Outcome[]>(SCENARIOS.map((s) => [s, []]));
    // each round in another order, so that a drift over the rounds (the store grows) favours none
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < SCENARIOS.length; i++) {
        const s = SCENARIOS[(i + r) % SCENARIOS.length] as Scenario;
        out.get(s)?.push(await measure(served, s, fill));
      }
    }
    for (const [s, o] of out) console.log(`  ${s}: ${o.map((x) => Math.round(x.rate)).join(', ')} vectors/s`);
    const after = memory();

    const rates = (s: Scenario) => (out.get(s) ?? []).map((o) => o.rate);
    const base = rates('no client');
    const cost = (s: Scenario) => {
      const c = rates(s).map((rate, i) => 100 * (1 - rate / (base[i] as number)));
      return { median: median(c), range: `${Math.min(...c).toFixed(1)} to ${Math.max(...c).toFixed(1)} % over ${c.length} rounds` };
    };
    const lat = SCENARIOS.flatMap((s) => (s === 'no client' ? [] : (out.get(s) ?? []).flatMap((o) => o.latencies)));
    const stalled = out.get('one of three stalled') ?? [];
    const three = cost('three clients');
    const stall = cost('one of three stalled');
    const rows: Row[] = [
      ['no client (vectors/s)', median(base), `${VECTORS} relu vectors, osa, sim board, writer thread; first to last batch; median of ${ROUNDS} interleaved rounds`],
      ['three clients subscribed (vectors/s)', median(rates('three clients')), `cost ${three.median.toFixed(1)} % (${three.range}); target <= 5 %`],
      ['one of three stalled 10 s (vectors/s)', median(rates('one of three stalled')), `cost ${stall.median.toFixed(1)} % (${stall.range})`],
      [
        '  stalled client: batches coalesced',
        median(stalled.map((o) => o.stalledQueue?.coalesced ?? 0)),
        `its most messages waiting: ${Math.max(...stalled.map((o) => o.stalledQueue?.maxPending ?? 0))}; got the stop once it read again: ${stalled.every((o) => o.stalledGotStop) ? 'yes' : 'NO'}`,
      ],
      ...SCENARIOS.map((s): Row => {
        const cpu = (out.get(s) ?? []).map((o) => o.cpuMsPer1000);
        const vsBase = median(cpu.map((c, i) => 100 * (c / ((out.get('no client') ?? [])[i]?.cpuMsPer1000 ?? NaN) - 1)));
        return [
          `CPU per 1000 vectors, ${s} (ms)`,
          median(cpu),
          s === 'no client' ? 'the main thread: acquisition and serving, not the writer thread' : `${vsBase.toFixed(1)} % more than no client (median of paired rounds)`,
        ];
      }),
      ...SCENARIOS.filter((s) => s !== 'no client').map((s): Row => [
        `serving in the emit path, ${s} (% of run time)`,
        100 * median((out.get(s) ?? []).map((o) => o.inEmitShare)),
        'serializing, queueing and handing documents to the sockets, while acquisition waits',
      ]),
      ['batch emitted -> client, p50 (ms)', percentile(lat, 50), `${lat.length} batch arrivals at live clients, same clock`],
      ['batch emitted -> client, p95 (ms)', percentile(lat, 95), 'target <= 50 ms'],
      ['server rss before / after (MB)', mb(before.rss), `after ${mb(after.rss).toFixed(1)} MB (writer threads come and go with runs)`],
      ...SCENARIOS.map((s): Row => [`  peak rss during a run, ${s} (MB)`, mb(median((out.get(s) ?? []).map((o) => o.peakRss))), 'median over the rounds']),
      [
        'server heap used before / after (MB)',
        mb(before.heapUsed),
        `after ${mb(after.heapUsed).toFixed(1)} MB, after ${ROUNDS * SCENARIOS.length} runs (full collection first)`,
      ],
    ];
    report('api', rows);
  } finally {
    await served.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
