// History on a large store, in Chromium against the real engine: 1,500 seeded runs and an SNR sweep
// measured through the API. The table draws only the rows in view, loads older runs when
// scrolled to its end, finds an old run once they are loaded, opens the sweep to its child runs,
// and is driven by the keys: / to the search, arrows and Enter to open a run.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineClient } from '../../shared/api/client';
import { seedRuns } from '../../bench/seed-runs';
import { apiClient, launchChromium, openPage, startEngine, type Engine } from './app';

const SEEDED = 1500;

describe('History on a large store', { timeout: 180_000 }, () => {
  let engine: Engine;
  let browser: Browser;
  let client: EngineClient;
  let page: Page;
  let sweepId: number;
  beforeAll(async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'osa-e2e-history-')), 'runs.db');
    seedRuns(db, SEEDED);
    [engine, browser] = await Promise.all([startEngine(db), launchChromium()]);
    client = await apiClient(engine);
    const { runId } = await client.call('procedure.start', { board: 'sim', procedure: 'snr-sweep', params: { vectors: 200, from: 7, to: 9 } });
    sweepId = runId;
    for (;;) {
      const row = await client.call('runs.get', { run: sweepId });
      if (row.state !== 'running') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    page = await openPage(browser, `${engine.url}#/history`);
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
  }, 120_000);
  afterAll(async () => {
    client?.close();
    await browser?.close();
    await engine?.stop();
  }, 60_000);

  const rows = () => page.getByTestId('history-row');
  /** the table scrolled to its end or its top (the page's element: the tests have no DOM types) */
  const scroll = (to: 'end' | 'top') =>
    page.getByTestId('history-scroll').evaluate((el, where) => {
      const e = el as unknown as { scrollTop: number; scrollHeight: number };
      e.scrollTop = where === 'end' ? e.scrollHeight : 0;
    }, to);
  const count = () => page.getByTestId('history-count').innerText();

  it('lists the newest runs, drawing only those in view, and loads older ones when scrolled to its end', async () => {
    await rows().first().waitFor();
    // the sweep's three child runs are not rows of their own: 97 of the newest 100
    expect(await count()).toBe('97 of 100 runs');
    expect(await rows().first().getAttribute('data-run-id')).toBe(String(sweepId));
    const drawn = await rows().count();
    expect(drawn).toBeGreaterThan(10);
    expect(drawn).toBeLessThan(60);
    await scroll('end');
    await expect.poll(count, { timeout: 30_000 }).toBe('997 of 1000 runs');
    expect(await rows().count()).toBeLessThan(60);
    // scrolled to the end of the thousand: the rest
    await scroll('end');
    await expect.poll(count, { timeout: 30_000 }).toBe(`${SEEDED + 1} of ${SEEDED + 4} runs`);
    expect(await page.getByTestId('history-load-more').count()).toBe(0);
    await scroll('end');
    await expect.poll(() => rows().last().getAttribute('data-run-id')).toBe('1');
    expect(await rows().count()).toBeLessThan(60);
  });

  it('finds an old run by its id, and by its tag', async () => {
    await page.keyboard.press('/');
    await page.getByTestId('history-filter-text').pressSequentially('#7');
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().first().getAttribute('data-run-id')).toBe('7');
    await page.getByTestId('history-filter-text').fill('');
    await page.getByTestId('history-filter-tag').selectOption('batch-1');
    // seeded runs 1001, 1051, ... 1451 carry it
    await expect.poll(count).toBe(`10 of ${SEEDED + 4} runs`);
    await page.getByTestId('history-filter-tag').selectOption('');
  });

  it('opens the sweep to its child runs, and a child run from there', async () => {
    await scroll('top');
    const sweep = page.locator(`[data-testid="history-row"][data-run-id="${sweepId}"]`);
    await sweep.getByTestId('history-expand').click();
    const ids = await rows().evaluateAll((els) =>
      els.slice(0, 4).map((e) => Number((e as unknown as { getAttribute(name: string): string | null }).getAttribute('data-run-id'))),
    );
    expect(ids).toEqual([sweepId, sweepId + 1, sweepId + 2, sweepId + 3]);
    expect(await page.getByTestId('run-detail').count()).toBe(0);
    await rows().nth(2).click();
    const detail = page.locator(`[data-testid="run-detail"][data-run-id="${sweepId + 2}"]`);
    await detail.waitFor();
    expect(await detail.innerText()).toContain(`#${sweepId}`);
  });

  it('is driven by the keys: arrows move, Enter opens, Left closes the sweep', async () => {
    const scroller = page.getByTestId('history-scroll');
    await scroller.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowLeft');
    expect(await rows().nth(1).getAttribute('data-run-id')).not.toBe(String(sweepId + 1));
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const second = await rows().nth(1).getAttribute('data-run-id');
    await page.locator(`[data-testid="run-detail"][data-run-id="${second}"]`).waitFor();
    // far down, by pages and End
    await page.keyboard.press('End');
    await expect.poll(() => rows().last().getAttribute('data-run-id')).toBe('1');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="run-detail"][data-run-id="1"]').waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash)).toBe('#/history/1');
  });
});
