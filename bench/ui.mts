// npm run bench -- ui [--minutes N] [--only history|stream|replay]: the desktop UI in Chromium (web mode: the real engine,
// `osa-bench serve`, and Debian's /usr/bin/chromium driven by playwright-core) while the engine
// streams at full rate from the simulated board. Figures:
// - frame times: the 95th percentile of the intervals between requestAnimationFrame callbacks over
//   the first minute of a large relu run watched on the Run screen (target <= 20 ms);
// - the page's JS heap (CDP Performance.getMetrics JSHeapUsedSize, after a full collection) after one
//   minute and after N minutes of the run (default 10; target: within 10 % of the first);
// - the History screen on a store of 10,000 runs (seeded through RunStore.createRun/setState, not
//   run): from opening the page to the rows drawn, and to a row opened by a click (target <= 1 s);
//   and the same from the nav of the app already open on the Run screen (the screen without the app's start);
// - a logged run replayed at full speed from the app (bench/ui-replay.mts; only with --only replay).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, openPage, startEngine, type Engine } from '../test/e2e/app';
import { median, report, type Row } from './report';
import { seedRuns } from './seed-runs';
import { heapMb, percentile, recordFrames, sleep, takeFrames, until } from './ui-frames';
import { replayAtFullSpeed } from './ui-replay.mjs';

const HISTORY_RUNS = 10_000;
const HISTORY_TRIALS = 5;
/**
 * The streamed run: each vector repeated on the board, so that the run outlasts the measurement
 * while its vector set (written to the store before the run starts) stays small.
 */
const RUN_VECTORS = 200_000;
const RUN_REPEAT = 50;

// `npm run bench -- ui --minutes 3`: bench/main.mts takes every argument for a benchmark's name, so
// the option is taken out of argv here, when main imports this module, before it reads them.
function takeMinutes(): number {
  const i = process.argv.indexOf('--minutes');
  if (i < 0) return Number(process.env.OSA_BENCH_UI_MINUTES ?? 10);
  const value = Number(process.argv[i + 1]);
  process.argv.splice(i, 2);
  return value;
}
const MINUTES = takeMinutes();
if (!(Number.isFinite(MINUTES) && MINUTES >= 1)) {
  console.error('ui: --minutes takes a number of minutes, at least 1');
  process.exit(2);
}

/** `--only history` (the History screen, a minute or two), `--only stream` (the watched run) or `--only replay`; the first two by default. */
function takeOnly(): 'history' | 'stream' | 'replay' | null {
  const i = process.argv.indexOf('--only');
  if (i < 0) return null;
  const value = process.argv[i + 1];
  process.argv.splice(i, 2);
  if (value === 'history' || value === 'stream' || value === 'replay') return value;
  console.error('ui: --only takes history, stream or replay');
  process.exit(2);
}
const ONLY = takeOnly();

async function streaming(browser: Browser, engine: Engine): Promise<Row[]> {
  const page = await openPage(browser, `${engine.url}#/run`);
  await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  // a large relu run from the Run screen, batches sized by the engine (about 1 s of link each)
  await page.getByTestId('run-mode').selectOption('osa');
  await page.getByTestId('run-workload').selectOption('relu');
  await page.getByTestId('run-vectors').fill(String(RUN_VECTORS));
  await page.getByTestId('run-repeat').fill(String(RUN_REPEAT));
  await page.getByTestId('run-batch').fill('');
  await page.getByTestId('start-run').click();
  await page.locator('[data-testid="run-state"][data-state="running"]').waitFor({ timeout: 120_000 });
  await until(async () => Number((await page.getByTestId('run-progress').getAttribute('data-value')) || '0') > 0, 120_000);
  const vectorsAt = async () => {
    const text = await page.getByTestId('run-status').innerText();
    const m = /vectors\s+([\d,]+)\s*\//.exec(text);
    return Number((m?.[1] ?? '0').replace(/,/g, ''));
  };

  const t0 = Date.now();
  const v0 = await vectorsAt();
  await recordFrames(page);
  await sleep(60_000);
  const frames = await takeFrames(page);
  const heap1 = await heapMb(cdp);
  const v1 = await vectorsAt();
  const rate1 = (v1 - v0) / ((Date.now() - t0) / 1000);
  console.log(`  after 1 min: ${frames.length} frames, p95 ${percentile(frames, 95).toFixed(1)} ms, heap ${heap1.toFixed(1)} MB, ${Math.round(rate1)} vectors/s`);

  const later: number[] = [];
  for (let m = 2; m <= MINUTES; m++) {
    await sleep(t0 + m * 60_000 - Date.now());
    later.push(...(await takeFrames(page)));
    if (m === MINUTES || m % 2 === 0)
      console.log(`  after ${m} min: heap ${(await heapMb(cdp)).toFixed(1)} MB, run state ${await page.getByTestId('run-state').getAttribute('data-state')}`);
  }
  const heapN = await heapMb(cdp);
  const vN = await vectorsAt();
  const state = await page.getByTestId('run-state').getAttribute('data-state');
  const rate = (vN - v0) / ((Date.now() - t0) / 1000);
  await page.getByTestId('abort-run').click();
  await page.getByTestId('abort-confirm').click();
  await page.locator('[data-testid="run-state"][data-state="aborted"]').waitFor({ timeout: 60_000 });
  await page.context().close();

  const all = [...frames, ...later];
  const growth = ((heapN - heap1) / heap1) * 100;
  return [
    [
      'frame time p95, first minute (ms)',
      percentile(frames, 95),
      `target <= 20 ms; ${frames.length} frames, median ${median(frames).toFixed(1)} ms, max ${Math.max(...frames).toFixed(0)} ms`,
    ],
    [`frame time p95, whole ${MINUTES} min (ms)`, percentile(all, 95), `${all.length} frames, p99 ${percentile(all, 99).toFixed(1)} ms`],
    ['JS heap after 1 min (MB)', heap1, 'after a full collection'],
    [`JS heap after ${MINUTES} min (MB)`, heapN, `growth ${growth.toFixed(1)} % (target <= 10 %); the run was ${state} at ${vN.toLocaleString('en-US')} vectors`],
    [
      'streaming rate, first minute (vectors/s)',
      rate1,
      `the simulated board, unpaced, each vector ${RUN_REPEAT} times (${Math.round(rate1 * RUN_REPEAT)} MAC passes/s)`,
    ],
    [`streaming rate, ${MINUTES} min (vectors/s)`, rate, ''],
  ];
}

async function historyScreen(browser: Browser, engine: Engine): Promise<Row[]> {
  const drawn: number[] = [];
  const opened: number[] = [];
  /** of `drawn`: until the page's scripts have run (DOMContentLoaded, from the navigation's start) */
  const scripts: number[] = [];
  for (let i = 0; i < HISTORY_TRIALS; i++) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const t0 = Date.now();
    await page.goto(`${engine.url}#/history`);
    const row = page.getByTestId('history-row').first();
    await row.waitFor();
    drawn.push(Date.now() - t0);
    scripts.push(
      await page.evaluate(() => {
        const p = (globalThis as unknown as { performance: { getEntriesByType(t: string): { domContentLoadedEventEnd: number }[] } }).performance;
        return p.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? NaN;
      }),
    );
    await row.click();
    await page.getByTestId('run-detail').waitFor();
    opened.push(Date.now() - t0);
    await context.close();
  }
  // the app already open (on the Run screen, connected), the History chosen in the nav: the screen's
  // own time, without the app's start
  const switched: number[] = [];
  const switchedOpen: number[] = [];
  for (let i = 0; i < HISTORY_TRIALS; i++) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${engine.url}#/run`);
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
    await page.getByTestId('run-form').waitFor();
    const t0 = Date.now();
    await page.getByTestId('nav-history').click();
    const row = page.getByTestId('history-row').first();
    await row.waitFor();
    switched.push(Date.now() - t0);
    await row.click();
    await page.getByTestId('run-detail').waitFor();
    switchedOpen.push(Date.now() - t0);
    await context.close();
  }
  // the whole store in the list: "Load older runs" until all 10,000 rows are there, then a filter
  const page = await openPage(browser, `${engine.url}#/history`);
  await page.getByTestId('history-row').first().waitFor();
  const t1 = Date.now();
  for (let k = 0; k < 4; k++) {
    const more = page.getByTestId('history-load-more');
    if ((await more.count()) === 0) break;
    await more.click();
    await page.locator('[data-testid="history-refresh"]:not([disabled])').waitFor();
  }
  await page
    .getByText(`of ${HISTORY_RUNS.toLocaleString('en-US')} runs`, { exact: false })
    .or(page.getByText(`of ${HISTORY_RUNS} runs`))
    .first()
    .waitFor({ timeout: 60_000 });
  const all = Date.now() - t1;
  const t2 = Date.now();
  await page.getByTestId('history-filter-text').fill('#9999');
  await page.locator('[data-testid="history-row"][data-run-id="9999"]').waitFor();
  await until(async () => (await page.getByTestId('history-row').count()) === 1, 30_000);
  const filter = Date.now() - t2;
  await page.context().close();
  return [
    [
      'History, 10,000 runs: page opened -> rows drawn (ms)',
      median(drawn),
      `median of ${HISTORY_TRIALS} cold loads (${drawn.join(', ')}); the newest 100 runs listed first`,
    ],
    ['History, 10,000 runs: page opened -> a row opened (ms)', median(opened), `target <= 1000 ms; (${opened.join(', ')})`],
    ['History: of which the page loading its scripts (ms)', median(scripts), `DOMContentLoaded (${scripts.map(Math.round).join(', ')})`],
    ['History: of which a click on a row -> the run shown (ms)', median(opened.map((t, i) => t - (drawn[i] ?? t))), ''],
    ['History, 10,000 runs, the app open: nav -> rows drawn (ms)', median(switched), `(${switched.join(', ')})`],
    ['History, 10,000 runs, the app open: nav -> a row opened (ms)', median(switchedOpen), `target <= 1000 ms; (${switchedOpen.join(', ')})`],
    ['History: all 10,000 rows loaded ("Load older runs") (ms)', all, ''],
    ['History: filter 10,000 rows to one (ms)', filter, ''],
  ];
}

export async function benchUi(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'osa-bench-ui-'));
  let browser: Browser | null = null;
  let engine: Engine | null = null;
  // interrupted (Ctrl-C): the engine is a child process streaming a large run; stop it with us
  const interrupted = () => {
    void Promise.allSettled([browser?.close(), engine?.stop()]).then(() => process.exit(130));
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    browser = await launchChromium();
    const rows: Row[] = [];

    if (ONLY === 'replay') {
      console.log('ui: logged runs replayed at full speed from the app');
      rows.push(...(await replayAtFullSpeed(browser, dir)));
    }

    if (ONLY === null || ONLY === 'history') {
      const historyDb = join(dir, 'history.db');
      const t0 = Date.now();
      seedRuns(historyDb, HISTORY_RUNS);
      console.log(`ui: ${HISTORY_RUNS.toLocaleString('en-US')} runs seeded in ${Date.now() - t0} ms`);
      engine = await startEngine(historyDb);
      rows.push(...(await historyScreen(browser, engine)));
      for (const [label, value, note] of rows) console.log(`  ${label}: ${Math.round(value)} ${note}`);
      await engine.stop();
      engine = null;
    }

    if (ONLY === null || ONLY === 'stream') {
      console.log(`ui: a relu run at full rate watched on the Run screen for ${MINUTES} min`);
      engine = await startEngine(join(dir, 'stream.db'));
      rows.push(...(await streaming(browser, engine)));
    }
    report(`ui (Chromium ${browser.version()}${ONLY === null || ONLY === 'stream' ? `, ${MINUTES} min` : ''})`, rows);
  } finally {
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
    await browser?.close();
    await engine?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
