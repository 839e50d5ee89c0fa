// npm run bench -- ui --only replay: a logged run replayed from the app at full speed ("max" in the
// History's replay, replay.start with speed null) into the Run screen and its live plots, in
// Chromium against the real engine. Figures: frame intervals while it plays (issue 10's budget:
// p95 <= 20 ms), the JS heap before and after, the replay's throughput, and whether the position
// the page shows keeps up with the documents that reached it (the WebSocket frames playwright sees).
// Baselines in the same command: the page idle on the Run screen, and the replay at the run's own pace.
//
// The runs: one made here (REPLAY_VECTORS relu vectors on the simulated board, batches of
// REPLAY_BATCH, so that it has as many batches as a run of about a quarter of an hour at a second
// of link each), and the 1,000,000-vector run of bench/big-runs.mts when its store is in
// /tmp/osa-bench-big-runs (not made here: that takes many minutes).
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { systemClock } from '../drivers/clock';
import { Bench } from '../engine/service/bench';
import { startEngine, type Engine } from '../test/e2e/app';
import { frameNote, heapMb, percentile, recordFrames, sleep, takeFrames, until } from './ui-frames';
import type { Row } from './report';

const REPLAY_VECTORS = Number(process.env.OSA_BENCH_REPLAY_VECTORS ?? 200_000);
const REPLAY_BATCH = Number(process.env.OSA_BENCH_REPLAY_BATCH ?? 250);
const BIG_RUN = join(tmpdir(), 'osa-bench-big-runs', 'relu-osa-1000000-s1-b4096.db');
const IDLE_MS = 10_000;
const OWN_PACE_MS = 20_000;

/** A completed relu run of `vectors` on the simulated board in a store of its own; its id. */
async function makeRun(dbPath: string, vectors: number, batch: number): Promise<number> {
  const t0 = performance.now();
  const bench = new Bench({ dbPath, clock: systemClock, session: { operator: 'bench', bench: 'ui-replay', ambientC: null, notes: null } });
  try {
    const h = await bench.startRun({ board: 'sim', workload: { kind: 'relu', vectors, seed: 1 }, mode: 'osa', batch, wireLog: false });
    const s = await h.done;
    if (s.state !== 'completed') throw new Error(`the run to replay ended ${s.state}`);
    console.log(`ui: made a ${vectors.toLocaleString('en-US')}-vector run in batches of ${batch} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    return h.runId;
  } finally {
    await bench.close();
  }
}

/** A status or batch document's position as it reached the page: [Date.now(), vector]. */
type Arrival = readonly [number, number];

/** The page open on the Run screen, with the replay documents that reach it noted. */
interface App {
  readonly page: Page;
  readonly arrivals: Arrival[];
  batches(this: void): number;
  /** stop documents of replays so far */
  replayStops(this: void): number;
  /** stop documents of the History detail's own subscriptions (run.subscribe) so far */
  detailStops(this: void): number;
}

async function openApp(browser: Browser, engine: Engine): Promise<App> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const arrivals: Arrival[] = [];
  let batches = 0;
  let detailStops = 0;
  let replayStops = 0;
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      if (typeof payload !== 'string') return;
      if (payload.includes('"run.document"') && payload.includes('"type":"stop"')) detailStops++;
      if (!payload.includes('"replay.document"')) return;
      const doc = (JSON.parse(payload) as { params: { document: { type: string; vectorsDone?: number; firstVector?: number; vectors?: number } } }).params.document;
      if (doc.type === 'batch') batches++;
      if (doc.type === 'stop') replayStops++;
      if (doc.type === 'status' && doc.vectorsDone !== undefined) arrivals.push([Date.now(), doc.vectorsDone]);
    }),
  );
  await page.goto(`${engine.url}#/run`);
  await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
  return { page, arrivals, batches: () => batches, detailStops: () => detailStops, replayStops: () => replayStops };
}

/** Note, at every frame, the vector the replay bar shows: [Date.now(), vector]. */
async function recordShown(page: Page): Promise<void> {
  await page.evaluate(() => {
    const g = globalThis as unknown as {
      __shown: [number, number][];
      __shownTick(this: void): void;
      requestAnimationFrame(this: void, cb: () => void): number;
      document: { querySelector(s: string): { textContent: string | null } | null };
    };
    g.__shown = [];
    g.__shownTick = () => {
      const text = g.document.querySelector('[data-testid="replay-position"]')?.textContent ?? '';
      const m = /vector ([\d,]+)/.exec(text);
      if (m?.[1]) g.__shown.push([Date.now(), Number(m[1].replace(/,/g, ''))]);
      g.requestAnimationFrame(g.__shownTick);
    };
    g.requestAnimationFrame(g.__shownTick);
  });
}

const takeShown = (page: Page): Promise<[number, number][]> =>
  page.evaluate(() => {
    const g = globalThis as unknown as { __shown: [number, number][] };
    const s = g.__shown;
    g.__shown = [];
    return s;
  });

/** For each position that reached the page, how long until the page showed it (ms). */
function showDelays(arrivals: readonly Arrival[], shown: readonly [number, number][]): number[] {
  const out: number[] = [];
  let k = 0;
  for (const [t, v] of arrivals) {
    while (k < shown.length && ((shown[k] as [number, number])[1] < v || (shown[k] as [number, number])[0] < t)) k++;
    const s = shown[k];
    if (s) out.push(s[0] - t);
  }
  return out;
}

/**
 * The run's detail in History opened, and its own documents folded (the detail reads the whole
 * stored run, a flood of its own that is not the replay's); the ms that took.
 */
async function openDetail(app: App, runId: number, speed: 'max' | '1'): Promise<number> {
  const { page } = app;
  const t0 = Date.now();
  const stops = app.detailStops();
  await page.getByTestId('nav-history').click();
  await page.evaluate((id) => ((globalThis as unknown as { location: { hash: string } }).location.hash = `#/history/${id}`), runId);
  const detail = page.locator(`[data-testid="run-detail"][data-run-id="${runId}"]`);
  await detail.waitFor({ timeout: 60_000 });
  // (a detail opened again on the same run may not read it again)
  await until(() => Promise.resolve(app.detailStops() > stops), 120_000).catch(() => undefined);
  const took = Date.now() - t0;
  await detail.getByTestId('detail-replay-speed').selectOption(speed);
  await sleep(500);
  return took;
}

const clickReplay = (page: Page, runId: number) => page.locator(`[data-testid="run-detail"][data-run-id="${runId}"]`).getByTestId('detail-replay').click();

/** What the page did while a replay played, from a click to its end. */
interface Played {
  readonly ms: number;
  readonly frames: number[];
  readonly shown: [number, number][];
  readonly vectors: number;
  readonly state: string | null;
}

/** Click, and wait for the replay bar to say the replay ended (or `capMs`, then it is stopped). */
async function play(app: App, click: () => Promise<void>, capMs = 600_000): Promise<Played> {
  const { page } = app;
  await recordShown(page);
  await takeFrames(page);
  const stops = app.replayStops();
  const t0 = Date.now();
  await click();
  // ended: its stop reached the page, and the replay bar shows it
  const ended = async () => app.replayStops() > stops && (await page.getByTestId('replay-bar').getAttribute('data-state')) === 'ended';
  await until(async () => (await ended()) || Date.now() - t0 > capMs, capMs + 60_000);
  const ms = Date.now() - t0;
  const frames = await takeFrames(page);
  const shown = await takeShown(page);
  const text = await page.getByTestId('replay-position').innerText();
  const state = await page.getByTestId('run-state').getAttribute('data-state');
  if ((await page.getByTestId('replay-bar').getAttribute('data-state')) !== 'ended') await page.getByTestId('replay-stop').click();
  await sleep(500);
  return { ms, frames, shown, vectors: Number((/vector ([\d,]+)/.exec(text)?.[1] ?? 'NaN').replace(/,/g, '')), state };
}

/** Replay again from the Run screen: the replay bar's speed, then a seek to vector 0 (an ended replay starts again from there). */
async function again(page: Page, speed: 'max' | '16' | '1'): Promise<void> {
  await page.getByTestId(`replay-speed-${speed}`).click();
  await page.getByTestId('replay-seek-input').fill('0');
  await page.getByTestId('replay-seek').click();
}

async function replayBench(browser: Browser, engine: Engine, runId: number, name: string): Promise<Row[]> {
  const app = await openApp(browser, engine);
  const { page, arrivals } = app;
  const batches = () => app.batches();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const rows: Row[] = [];
  const row = (label: string, value: number, note: string) => {
    rows.push([`${name}: ${label}`, value, note]);
    console.log(`  ${name}: ${label}: ${value.toFixed(2)} ${note}`);
  };
  try {
    // the page idle on the Run screen (connected, nothing streaming)
    await page.getByTestId('run-form').waitFor();
    await recordFrames(page);
    await sleep(IDLE_MS);
    const idle = await takeFrames(page);
    row('frame time p95, page idle on the Run screen (ms)', percentile(idle, 95), `${IDLE_MS / 1000} s; ${frameNote(idle)}`);

    // at full speed from History, as a user starts it: the Run screen and its plots are made on the way
    const detailMs = await openDetail(app, runId, 'max');
    row('History detail opened -> its documents folded (ms)', detailMs, 'run.subscribe of the stored run, before the replay (not measured with it)');
    const heap0 = await heapMb(cdp);
    const first = await play(app, () => clickReplay(page, runId));
    row('replay at max speed from History, click -> ended (s)', first.ms / 1000, `the Run screen ${first.state} at ${first.vectors.toLocaleString('en-US')} vectors`);
    row('frame time max, replay at max speed from History (ms)', Math.max(...first.frames), `the screen switched and its plots made; ${frameNote(first.frames)}`);

    // again at full speed from the Run screen: the replay alone
    arrivals.length = 0;
    const b0 = batches();
    const max = await play(app, () => again(page, 'max'));
    const heap1 = await heapMb(cdp);
    const delays = showDelays(arrivals, max.shown);
    const [a0, a1] = [arrivals[0]?.[0] ?? NaN, arrivals.at(-1)?.[0] ?? NaN];
    row('frame time p95, replay at max speed (ms)', percentile(max.frames, 95), `target <= 20 ms; from the Run screen, click -> ended; ${frameNote(max.frames)}`);
    row(
      'replay at max speed, click -> ended (s)',
      max.ms / 1000,
      `${max.state} at ${max.vectors.toLocaleString('en-US')} vectors: ${Math.round(max.vectors / (max.ms / 1000)).toLocaleString('en-US')} vectors/s as shown`,
    );
    row(
      'replay at max speed: documents that reached the page',
      arrivals.length + batches() - b0,
      `${batches() - b0} batches, ${arrivals.length} statuses, over ${(a1 - a0).toFixed(0)} ms`,
    );
    row('a position reached -> shown, max (ms)', Math.max(...delays), `median ${percentile(delays, 50).toFixed(0)} ms over ${delays.length} positions`);
    row('JS heap before / after the replays (MB)', heap1, `before ${heap0.toFixed(1)} MB, after ${heap1.toFixed(1)} MB (after a full collection)`);

    // 16 times the run's own pace, to its end (at most a minute): a replay that streams for seconds
    arrivals.length = 0;
    const b16 = batches();
    const fast = await play(app, () => again(page, '16'), 60_000);
    const delays16 = showDelays(arrivals, fast.shown);
    row(
      'frame time p95, replay at 16x (ms)',
      percentile(fast.frames, 95),
      `${(fast.ms / 1000).toFixed(1)} s to vector ${fast.vectors.toLocaleString('en-US')}; ${frameNote(fast.frames)}`,
    );
    row(
      'replay at 16x: a position reached -> shown, max (ms)',
      Math.max(...delays16),
      `median ${percentile(delays16, 50).toFixed(0)} ms; ${batches() - b16} batches and ${arrivals.length} statuses reached the page`,
    );

    // the run's own pace, for a while
    const paced = await play(app, () => again(page, '1'), OWN_PACE_MS);
    row(
      'frame time p95, replay at its own pace (ms)',
      percentile(paced.frames, 95),
      `${OWN_PACE_MS / 1000} s, to vector ${paced.vectors.toLocaleString('en-US')}; ${frameNote(paced.frames)}`,
    );
  } finally {
    await page.context().close();
  }
  return rows;
}

/** The replay figures: the run made here, then the 1,000,000-vector run when it is there. */
export async function replayAtFullSpeed(browser: Browser, dir: string): Promise<Row[]> {
  // OSA_BENCH_REPLAY_DB: a store made by an earlier run of this benchmark, kept (its run 1 is replayed)
  const kept = process.env.OSA_BENCH_REPLAY_DB;
  const dbPath = kept ?? join(dir, 'replay.db');
  const runId = kept && existsSync(kept) ? 1 : await makeRun(dbPath, REPLAY_VECTORS, REPLAY_BATCH);
  const rows: Row[] = [];
  let engine = await startEngine(dbPath);
  try {
    rows.push(...(await replayBench(browser, engine, runId, `${REPLAY_VECTORS / 1000}k/${REPLAY_BATCH}`)));
  } finally {
    await engine.stop();
  }
  if (!existsSync(BIG_RUN)) {
    console.log(`ui: no ${BIG_RUN} (npm run bench -- compare makes it): the 1,000,000-vector run left out`);
    return rows;
  }
  engine = await startEngine(BIG_RUN);
  try {
    rows.push(...(await replayBench(browser, engine, 1, '1M/4096')));
  } finally {
    await engine.stop();
  }
  return rows;
}
