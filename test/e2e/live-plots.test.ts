// The Run screen's scatter of sampled MACs and its residual histograms, with the real engine and
// Chromium: they draw during a run and keep drawing as batches come, the scatter saves as a PNG,
// and History draws them again for the logged run, read back from the store.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canvasImage, launchChromium, openPage, startEngine, type Engine } from './app';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const SAMPLED = ['live-scatter', 'live-code-histogram', 'live-yhat-histogram'];

describe('the sampled MACs’ plots', { timeout: 180_000 }, () => {
  let engine: Engine;
  let browser: Browser;
  let page: Page;
  let runId = 0;
  beforeAll(async () => {
    [engine, browser] = await Promise.all([startEngine(), launchChromium()]);
    page = await openPage(browser, engine.url);
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await engine?.stop();
  });

  const state = () => page.getByTestId('run-state').getAttribute('data-state');
  /** a panel shows its "nothing to draw" note until its plot has data */
  const drawn = (root: string, id: string) => page.locator(`${root} [data-testid="plot-${id}"] .empty`).count();

  it('draws the scatter and both histograms during a run, and draws them again as batches come', async () => {
    await page.getByTestId('nav-bench').click();
    await page.getByTestId('board-kind-sim').check();
    await page.getByTestId('board-identify').click();
    await page.getByTestId('board-identity').waitFor();
    await page.getByTestId('nav-run').click();
    await page.getByTestId('run-mode').selectOption('osa');
    await page.getByTestId('run-workload').selectOption('relu');
    // small batches: the run goes in many steps, long enough to watch it draw
    await page.getByTestId('run-vectors').fill('12000');
    await page.getByTestId('run-batch').fill('200');
    await page.getByTestId('start-run').click();
    await page.getByTestId('run-status').waitFor();
    runId = Number(await page.getByTestId('run-status').getAttribute('data-run-id'));
    await expect.poll(state).toBe('running');

    for (const id of SAMPLED) await expect.poll(() => drawn('[data-testid="live-plots"]', id), { timeout: 60_000 }).toBe(0);
    expect(await state()).toBe('running');
    const images = await Promise.all(SAMPLED.map((id) => canvasImage(page, `[data-testid="plot-${id}"] canvas`)));
    // more batches, more points and counts: each canvas is drawn again
    for (const [k, id] of SAMPLED.entries()) {
      await expect.poll(() => canvasImage(page, `[data-testid="plot-${id}"] canvas`), { timeout: 60_000 }).not.toBe(images[k]);
    }
  });

  it('saves the scatter as a PNG file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'osa-e2e-scatter-'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="plot-live-scatter"] [data-testid="export-png"]').click()]);
    expect(download.suggestedFilename()).toBe(`run-${runId}-live-scatter.png`);
    const file = join(dir, download.suggestedFilename());
    await download.saveAs(file);
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(bytes.length).toBeGreaterThan(1000);
  });

  it('draws them again in History, from the logged run', async () => {
    await page.getByTestId('abort-run').click();
    await page.getByTestId('abort-confirm').click();
    await expect.poll(state, { timeout: 60_000 }).toBe('aborted');
    await page.getByTestId('nav-history').click();
    const row = page.locator(`[data-testid="history-row"][data-run-id="${runId}"]`);
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('aborted');
    await row.click();
    const detail = `[data-testid="run-detail"][data-run-id="${runId}"]`;
    await page.locator(`${detail} [data-testid="plot-live-scatter"] canvas`).waitFor();
    for (const id of SAMPLED) await expect.poll(() => drawn(detail, id), { timeout: 30_000 }).toBe(0);
  });
});
