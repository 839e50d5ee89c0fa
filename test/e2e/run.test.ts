// A run through the UI on the simulated board: identify the board, configure (osa, relu), start,
// progress and live plots moving, pause, resume, abort; a plot saved as PNG; the run in History
// with its state, tagged and annotated, and still so after a reload.
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canvasImage, launchChromium, openPage, screens, startEngine, type Engine } from './app';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('a run from the UI', { timeout: 120_000 }, () => {
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
  const progress = async () => Number((await page.getByTestId('run-progress').getAttribute('data-value')) || '0');

  it('connects to the simulated board and shows its identity', async () => {
    await page.getByTestId('nav-bench').click();
    await page.getByTestId('board-kind-sim').check();
    await page.getByTestId('board-identify').click();
    await page.getByTestId('board-identity').waitFor();
    expect(await page.getByTestId('board-firmware').innerText()).toMatch(/\S/);
    expect(await page.getByTestId('board-die-id').innerText()).toMatch(/\S/);
    await screens(page, 'bench');
  });

  it('configures and starts a run, whose progress and live plots move; pause, resume, abort', async () => {
    await page.getByTestId('nav-run').click();
    await page.getByTestId('run-mode').selectOption('osa');
    await page.getByTestId('run-workload').selectOption('relu');
    // small batches, so the run goes in many short steps and lasts long enough to be paused
    await page.getByTestId('run-vectors').fill('16000');
    await page.getByTestId('run-batch').fill('200');
    await page.getByTestId('run-label').fill('e2e run');
    await page.getByTestId('start-run').click();

    await page.getByTestId('run-status').waitFor();
    runId = Number(await page.getByTestId('run-status').getAttribute('data-run-id'));
    expect(runId).toBeGreaterThan(0);
    await expect.poll(state).toBe('running');

    // progress, a figure and the plots follow the batches
    await expect.poll(progress, { timeout: 60_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('figure-snr').innerText(), { timeout: 60_000 }).toMatch(/dB/);
    const canvas = '[data-testid="live-plots"] canvas';
    await page.locator(canvas).first().waitFor();
    const before = await canvasImage(page, canvas);
    const doneBefore = await progress();
    await expect.poll(() => canvasImage(page, canvas), { timeout: 60_000 }).not.toBe(before);
    await expect.poll(progress, { timeout: 60_000 }).toBeGreaterThan(doneBefore);

    await page.getByTestId('pause-run').click();
    await expect.poll(state, { timeout: 60_000 }).toBe('paused');
    expect(await page.getByTestId('resume-run').isEnabled()).toBe(true);
    await screens(page, 'run');

    await page.getByTestId('resume-run').click();
    await expect.poll(state, { timeout: 60_000 }).toBe('running');
    await page.getByTestId('abort-run').click();
    await page.getByTestId('abort-confirm').click();
    await expect.poll(state, { timeout: 60_000 }).toBe('aborted');
    expect(await progress()).toBeLessThan(100);
    expect(await page.getByTestId('start-run').isEnabled()).toBe(true);
  });

  it('exports a plot as a PNG file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'osa-e2e-png-'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="live-plots"] [data-testid="export-png"]').first().click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^run-${runId}-.+\\.png$`));
    const file = join(dir, download.suggestedFilename());
    await download.saveAs(file);
    const bytes = readFileSync(file);
    expect(bytes.length).toBeGreaterThan(1000);
    expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  });

  it('History shows the run aborted; a tag and a note are saved and kept across a reload', async () => {
    await page.getByTestId('nav-history').click();
    const row = page.locator(`[data-testid="history-row"][data-run-id="${runId}"]`);
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('aborted');
    await row.click();
    const detail = page.locator(`[data-testid="run-detail"][data-run-id="${runId}"]`);
    await detail.waitFor();
    expect(await detail.getByTestId('detail-state').innerText()).toBe('aborted');

    await detail.getByTestId('tag-input').fill('e2e-tag');
    await detail.getByTestId('tag-add').click();
    await detail.getByTestId('detail-tag').filter({ hasText: 'e2e-tag' }).waitFor();
    const note = `checked by the e2e suite ${Date.now()}`;
    await detail.getByTestId('note-input').fill(note);
    await detail.getByTestId('note-add').click();
    await detail.getByTestId('note').filter({ hasText: note }).waitFor();
    await expect.poll(() => row.innerText()).toContain('e2e-tag');
    await screens(page, 'history');

    await page.reload();
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
    // the address keeps the screen and the open run (#/history/ID), read back with its tags and notes
    const reopened = page.locator(`[data-testid="run-detail"][data-run-id="${runId}"]`);
    await reopened.getByTestId('detail-tag').filter({ hasText: 'e2e-tag' }).waitFor();
    await reopened.getByTestId('note').filter({ hasText: note }).waitFor();
    expect(await row.getAttribute('data-state')).toBe('aborted');
    expect(await row.innerText()).toContain('e2e-tag');
    // and the store holds it
    const db = new Database(engine.dbPath, { readonly: true, fileMustExist: true });
    try {
      const notes = db.prepare('SELECT text FROM notes WHERE run_id = ?').all(runId) as { text: string }[];
      expect(notes.map((n) => n.text)).toContain(note);
    } finally {
      db.close();
    }
  });
});
