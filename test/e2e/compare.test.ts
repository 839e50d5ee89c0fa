// Compare and export from the app: a run of a die with stuck cells against the model shows its
// findings with their evidence and its plots; run against run of two dies over the same stimulus
// (the same workload kind and seed: the same content-addressed vector set) shows the deltas and the
// plots side by side; a run over another stimulus is refused with the engine's message by the run
// picked; a run's CSV export downloads with its header row.
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineClient } from '../../shared/api/client';
import { apiClient, launchChromium, openPage, screens, startEngine, type Engine } from './app';
import { goHash, hashOf, runToEnd } from './logged-runs';

describe('compare and export from the app', { timeout: 240_000 }, () => {
  let engine: Engine;
  let browser: Browser;
  let client: EngineClient;
  let page: Page;
  let typical = 0;
  let stuck = 0;
  let other = 0;
  beforeAll(async () => {
    [engine, browser] = await Promise.all([startEngine(), launchChromium()]);
    client = await apiClient(engine);
    const workload = { kind: 'relu' as const, vectors: 4000, seed: 1 };
    typical = await runToEnd(client, { board: 'sim', mode: 'osa', workload, batch: 500, label: 'e2e typical die' });
    stuck = await runToEnd(client, { board: 'sim', die: 'drivers/sim/dies/stuck-cells.json', mode: 'osa', workload, batch: 500, label: 'e2e stuck die' });
    other = await runToEnd(client, { board: 'sim', mode: 'osa', workload: { kind: 'relu', vectors: 1000, seed: 2 }, batch: 500, label: 'e2e other stimulus' });
    page = await openPage(browser, `${engine.url}#/history/${stuck}`);
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
  }, 240_000);
  afterAll(async () => {
    client?.close();
    await browser?.close();
    await engine?.stop();
  });

  const detail = (id: number) => page.locator(`[data-testid="run-detail"][data-run-id="${id}"]`);

  it('compares a die with stuck cells against the model: findings with evidence, plots, heatmaps', async () => {
    await detail(stuck).waitFor();
    await detail(stuck).getByTestId('detail-compare-model').click();
    await page.getByTestId('screen-compare').waitFor();
    const result = page.locator(`[data-testid="compare-run-result"][data-run-id="${stuck}"]`);
    await result.waitFor({ timeout: 120_000 });
    expect(hashOf(page)).toBe(`#/compare/${stuck}`);
    const cells = result.locator('[data-testid="finding"][data-kind="stuck-cell"]');
    await expect.poll(() => cells.count()).toBeGreaterThan(0);
    expect(await cells.first().getByTestId('finding-where').innerText()).toMatch(/^row \d+, column \d+ \(output \d+, weight bit \d+\)$/);
    expect(await cells.first().innerText()).toMatch(/stuck at [01]/);
    for (const id of ['yhat-error', 'code-residual', 'transfer', 'snr-level', 'energy']) await page.getByTestId(`plot-run-${stuck}-${id}`).waitFor();
    await page.getByTestId(`heatmap-run-${stuck}-columns-mean`).locator('canvas').waitFor();
    await page.getByTestId(`heatmap-run-${stuck}-levels`).waitFor();
    // a heatmap saves as a PNG as every plot does
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`heatmap-run-${stuck}-columns-mean`).getByTestId('export-png').click()]);
    expect(png.suggestedFilename()).toBe(`run-${stuck}-columns-mean.png`);
    const pngFile = join(mkdtempSync(join(tmpdir(), 'osa-e2e-png-')), png.suggestedFilename());
    await png.saveAs(pngFile);
    expect(
      readFileSync(pngFile)
        .subarray(0, 8)
        .equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
    ).toBe(true);
    expect(await page.getByTestId('outlier-row').count()).toBeGreaterThan(0);
    await screens(page, 'compare');
  });

  it('compares two dies over the same stimulus: deltas and the plots side by side', async () => {
    await goHash(page, `#/history/${typical}`);
    await detail(typical).waitFor();
    await detail(typical).getByTestId('compare-with-select').selectOption(String(stuck));
    await detail(typical).getByTestId('detail-compare-with').click();
    const result = page.locator(`[data-testid="compare-runs-result"][data-run-a="${typical}"][data-run-b="${stuck}"]`);
    await result.waitFor({ timeout: 120_000 });
    const dieA = await page.getByTestId('compare-die-a').innerText();
    const dieB = await page.getByTestId('compare-die-b').innerText();
    expect(dieA).not.toBe(dieB);
    expect(dieB).toBe('OSA-TT-0013');
    expect(await page.locator('[data-testid="delta-row"][data-key="snrDb"]').innerText()).toMatch(/\d/);
    await page.getByTestId(`heatmap-runs-${typical}-${stuck}-columns-delta`).waitFor();
    const side = page.getByTestId('compare-side-by-side');
    await side.getByTestId(`plot-run-${typical}-transfer`).waitFor({ timeout: 120_000 });
    await side.getByTestId(`plot-run-${stuck}-transfer`).waitFor();
  });

  it('refuses runs over different stimulus, saying so by the run picked', async () => {
    await page.getByTestId('compare-with-input').fill(String(other));
    await page.getByTestId('compare-go').click();
    const error = page.locator('[data-testid="field-error"][data-field="with"]');
    await error.waitFor({ timeout: 60_000 });
    expect(await error.innerText()).toMatch(/stimul/);
    expect(await page.getByTestId('compare-with-input').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('[data-testid="compare-runs-result"]').count()).toBe(0);
  });

  it('exports a run as CSV: a download with its header row', async () => {
    await goHash(page, `#/history/${typical}`);
    await detail(typical).waitFor();
    await detail(typical).getByTestId('export-format').selectOption('csv');
    const [download] = await Promise.all([page.waitForEvent('download'), detail(typical).getByTestId('export-download').click()]);
    expect(download.suggestedFilename()).toBe(`run-${typical}.csv`);
    const file = join(mkdtempSync(join(tmpdir(), 'osa-e2e-csv-')), download.suggestedFilename());
    await download.saveAs(file);
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines[0]?.split(',').slice(0, 13)).toEqual([
      'run_guid',
      'die_id',
      'block',
      'vector',
      'repeat',
      'output',
      'level',
      'digital_d_xw',
      'saliency_s_xw',
      'yhat_xw',
      'model_yhat_xw',
      'exact_y_xw',
      'model_level',
    ]);
    expect(lines[0]).toMatch(/,code_p0_lsb,/);
    // a row per MAC: 4000 vectors of 8 outputs, and the header (the file ends with a line break)
    expect(lines.filter((l) => l !== '').length).toBe(4000 * 8 + 1);
  });
});
