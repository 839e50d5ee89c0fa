// A board lost mid-run, as the page shows it. The UI has no field for the simulated board's faults,
// so the run is started through the API (as a lab script would) with `disconnect-after`; the page,
// reloaded while it goes on, takes it up, shows the disconnect and the run going on from its last
// committed batch (or ending interrupted).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineClient } from '../../shared/api/client';
import { apiClient, launchChromium, openPage, startEngine, type Engine } from './app';

describe('a disconnect injected mid-run', { timeout: 120_000 }, () => {
  let engine: Engine;
  let browser: Browser;
  let client: EngineClient;
  let page: Page;
  beforeAll(async () => {
    [engine, browser] = await Promise.all([startEngine(), launchChromium()]);
    client = await apiClient(engine);
    page = await openPage(browser, `${engine.url}#/run`);
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
  }, 120_000);
  afterAll(async () => {
    client?.close();
    await browser?.close();
    await engine?.stop();
  });

  it('is shown, and the run resumes or ends interrupted', async () => {
    const { runId } = await client.call('run.start', {
      board: 'sim',
      mode: 'osa',
      workload: { kind: 'relu', vectors: 6000, seed: 1 },
      batch: 200,
      faults: 'disconnect-after=300',
      label: 'e2e disconnect',
    });
    // a page opened (here: reloaded) while a run goes on watches it
    await page.reload();
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
    await page.locator(`[data-testid="run-status"][data-run-id="${runId}"]`).waitFor();
    await page.locator('[data-testid="event-row"][data-kind="disconnect"]').waitFor({ timeout: 60_000 });
    const state = () => page.getByTestId('run-state').getAttribute('data-state');
    await expect.poll(state, { timeout: 90_000 }).toMatch(/^(completed|interrupted)$/);
    if ((await state()) === 'completed') await page.locator('[data-testid="event-row"][data-kind="resume"]').waitFor();

    await page.getByTestId('nav-history').click();
    const row = page.locator(`[data-testid="history-row"][data-run-id="${runId}"]`);
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toMatch(/^(completed|interrupted)$/);
    await row.click();
    const detail = page.locator(`[data-testid="run-detail"][data-run-id="${runId}"]`);
    await detail.locator('[data-testid="event-row"][data-kind="disconnect"]').waitFor();
  });
});
