// Resume from the app: a run whose process was killed mid-run (the CLI, SIGKILL after two committed
// batches) is found interrupted when the engine opens the store; History offers Resume beside it
// (and only there), on the board chosen in the Bench screen; the run goes on in the Run screen from
// its last committed batch to its end.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineClient } from '../../shared/api/client';
import { apiClient, launchChromium, openPage, startEngine, type Engine } from './app';
import { killedRun } from './logged-runs';

describe('resume an interrupted run from the app', { timeout: 180_000 }, () => {
  let engine: Engine;
  let browser: Browser;
  let client: EngineClient;
  let page: Page;
  beforeAll(async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'osa-e2e-resume-')), 'runs.db');
    await killedRun(dbPath, ['--mode', 'osa', '--workload', 'relu', '--vectors', '3000', '--seed', '1', '--batch', '200', '--label', 'e2e killed'], 2);
    [engine, browser] = await Promise.all([startEngine(dbPath), launchChromium()]);
    client = await apiClient(engine);
    page = await openPage(browser, `${engine.url}#/history`);
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
  }, 180_000);
  afterAll(async () => {
    client?.close();
    await browser?.close();
    await engine?.stop();
  });

  it('shows the run interrupted, resumes it on the chosen board, and it completes', async () => {
    const [run] = await client.call('runs.list', { limit: 10 });
    if (!run) throw new Error('no run in the store');
    expect(run.state).toBe('interrupted');
    const committed = run.vectorsDone;
    expect(committed).toBeGreaterThanOrEqual(400);
    expect(committed).toBeLessThan(3000);

    const row = page.locator(`[data-testid="history-row"][data-run-id="${run.id}"]`);
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('interrupted');
    await row.click();
    const detail = page.locator(`[data-testid="run-detail"][data-run-id="${run.id}"]`);
    await detail.waitFor();
    expect(await detail.getByTestId('detail-state').innerText()).toBe('interrupted');
    await detail.getByTestId('detail-resume').click();

    await page.getByTestId('screen-run').waitFor();
    await page.locator(`[data-testid="run-status"][data-run-id="${run.id}"]`).waitFor();
    await expect.poll(() => page.getByTestId('run-state').getAttribute('data-state'), { timeout: 120_000 }).toBe('completed');
    const after = await client.call('runs.get', { run: run.id });
    expect(after.state).toBe('completed');
    expect(after.vectorsDone).toBe(3000);
    expect(after.events.some((e) => e.kind === 'interrupted')).toBe(true);

    // a completed run has no Resume
    await page.getByTestId('nav-history').click();
    await row.click();
    await detail.waitFor();
    await expect.poll(() => detail.getByTestId('detail-state').innerText(), { timeout: 30_000 }).toBe('completed');
    expect(await detail.getByTestId('detail-resume').count()).toBe(0);
  });
});
