// Replay and re-score from the app: a logged run replayed from History at max speed fills the Run
// screen to the run's own vector count and figures; at its own pace it pauses, seeks to a vector and
// resumes (then at 16x); a slower run's replay goes 4x faster as it plays, on from where it was (the
// engine's speed event in its log, no new start); a re-score with another mode makes a new run linked to its parent in History.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineClient } from '../../shared/api/client';
import { apiClient, launchChromium, openPage, screens, startEngine, type Engine } from './app';
import { goHash, hashOf, runToEnd } from './logged-runs';

describe('replay and re-score from the app', { timeout: 180_000 }, () => {
  let engine: Engine;
  let browser: Browser;
  let client: EngineClient;
  let page: Page;
  let runId = 0;
  let slow = 0;
  beforeAll(async () => {
    [engine, browser] = await Promise.all([startEngine(), launchChromium()]);
    client = await apiClient(engine);
    runId = await runToEnd(client, { board: 'sim', mode: 'osa', workload: { kind: 'relu', vectors: 2000, seed: 1 }, batch: 200, label: 'e2e replay' });
    // batches about 0.4 s apart (a paced link): its replay at its own pace is caught playing
    slow = await runToEnd(client, {
      board: 'sim',
      simBaud: 1_500_000,
      mode: 'osa',
      workload: { kind: 'relu', vectors: 800, seed: 2 },
      batch: 100,
      label: 'e2e replay speed',
    });
    page = await openPage(browser, `${engine.url}#/history/${runId}`);
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
  }, 180_000);
  afterAll(async () => {
    client?.close();
    await browser?.close();
    await engine?.stop();
  });

  const runState = () => page.getByTestId('run-state').getAttribute('data-state');
  const position = async () => Number(((await page.getByTestId('replay-position').innerText()).match(/vector ([\d,]+)/)?.[1] ?? '-1').replace(/,/g, ''));

  it('replays a run at max speed into the Run screen, to its own vector count and figures', async () => {
    const row = await client.call('runs.get', { run: runId });
    const detail = page.locator(`[data-testid="run-detail"][data-run-id="${runId}"]`);
    await detail.waitFor();
    await detail.getByTestId('detail-replay').click();
    await page.getByTestId('screen-run').waitFor();
    await page.locator(`[data-testid="replay-bar"][data-run-id="${runId}"]`).waitFor();
    expect(await page.getByTestId('replay-speed-max').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(runState, { timeout: 30_000 }).toBe('completed');
    expect(await page.getByTestId('run-status').getAttribute('data-run-id')).toBe(String(runId));
    expect(await page.getByTestId('replay-position').innerText()).toBe(
      `vector ${row.vectorsDone.toLocaleString('en-US')} of ${row.vectorsTotal.toLocaleString('en-US')}`,
    );
    expect(row.vectorsDone).toBe(2000);
    // the figures are the run's own
    const snr = (row.summary as { snrDb: number }).snrDb;
    expect(await page.getByTestId('figure-snr').innerText()).toContain(snr.toFixed(2));
    await page.locator('[data-testid="live-plots"] canvas').first().waitFor();
    expect(await page.getByTestId('replay-bar').getAttribute('data-state')).toBe('ended');
  });

  it('replays at the run’s own pace, pauses, seeks to a vector and resumes', async () => {
    await page.getByTestId('replay-close').click();
    await page.getByTestId('nav-history').click();
    await goHash(page, `#/history/${runId}`);
    const detail = page.locator(`[data-testid="run-detail"][data-run-id="${runId}"]`);
    await detail.waitFor();
    // the run's own pace: its ten batches went over seconds
    await detail.getByTestId('detail-replay-speed').selectOption('1');
    await detail.getByTestId('detail-replay').click();
    await page.locator(`[data-testid="replay-bar"][data-run-id="${runId}"]`).waitFor();
    expect(await page.getByTestId('replay-speed-1').getAttribute('aria-pressed')).toBe('true');
    // paused at once: the run's first batch came seconds after its start
    await page.getByTestId('replay-pause').click();
    await expect.poll(() => page.getByTestId('replay-bar').getAttribute('data-state')).toBe('paused');
    await expect.poll(runState).toBe('paused');
    const held = await position();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await position()).toBe(held);
    await screens(page, 'replay');

    // a seek goes to the block holding the vector, paused still
    await page.getByTestId('replay-seek-input').fill('1400');
    await page.getByTestId('replay-seek').click();
    await expect.poll(position).toBe(1400);
    await page.locator('[data-testid="event-row"][data-kind="seek"]').waitFor();
    // a vector the run does not have is refused by the field before it is sent
    await page.getByTestId('replay-seek-input').fill('9000');
    expect(await page.locator('[data-testid="replay-bar"] [data-testid="field-error"][data-field="vector"]').innerText()).toMatch(/vectors 0 to 1,999/);
    await page.getByTestId('replay-seek-input').fill('');

    await page.getByTestId('replay-resume').click();
    await page.getByTestId('replay-speed-16').click();
    await expect.poll(runState, { timeout: 60_000 }).toBe('completed');
    expect(await position()).toBe(2000);
  });

  it('changes the speed of a replay as it plays: it goes on from where it was', async () => {
    await page.getByTestId('replay-close').click();
    await goHash(page, `#/history/${slow}`);
    const detail = page.locator(`[data-testid="run-detail"][data-run-id="${slow}"]`);
    await detail.waitFor();
    await detail.getByTestId('detail-replay-speed').selectOption('1');
    await detail.getByTestId('detail-replay').click();
    await page.locator(`[data-testid="replay-bar"][data-run-id="${slow}"]`).waitFor();
    await expect.poll(position, { timeout: 30_000 }).toBeGreaterThanOrEqual(200);
    const before = await position();
    expect(await page.getByTestId('replay-bar').getAttribute('data-state')).toBe('replaying');
    await page.getByTestId('replay-speed-4').click();
    // the engine's own event for the change (a stop and a new start would have none)
    await page.locator('[data-testid="event-row"][data-kind="speed"]').waitFor();
    expect(await page.getByTestId('replay-speed-4').getAttribute('aria-pressed')).toBe('true');
    const seen = [before];
    await expect
      .poll(
        async () => {
          seen.push(await position());
          return runState();
        },
        { timeout: 30_000 },
      )
      .toBe('completed');
    seen.push(await position());
    // on from where it was, never back
    expect(seen.at(-1)).toBe(800);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(await page.getByTestId('replay-bar').getAttribute('data-run-id')).toBe(String(slow));
  });

  it('re-scores the run with another mode: a new run linked to its parent in History', async () => {
    await page.getByTestId('replay-close').click();
    await goHash(page, `#/history/${runId}`);
    const detail = page.locator(`[data-testid="run-detail"][data-run-id="${runId}"]`);
    await detail.waitFor();
    await detail.getByTestId('detail-rescore').click();
    await detail.getByTestId('rescore-mode').selectOption('hcim');
    // hcim needs its boundary: the engine says so by the field
    await detail.getByTestId('rescore-boundary').fill('40');
    await detail.getByTestId('rescore-submit').click();
    await detail.locator('[data-testid="field-error"][data-field="boundary"]').waitFor();
    await detail.getByTestId('rescore-boundary').fill('10');
    await detail.getByTestId('rescore-label').fill('e2e hcim b=10');
    await detail.getByTestId('rescore-submit').click();

    // History opens the derived run
    await expect.poll(() => hashOf(page), { timeout: 60_000 }).not.toBe(`#/history/${runId}`);
    const newId = Number(hashOf(page).replace('#/history/', ''));
    expect(newId).toBeGreaterThan(runId);
    const derived = page.locator(`[data-testid="run-detail"][data-run-id="${newId}"]`);
    await derived.waitFor();
    expect(await derived.locator('h2').first().innerText()).toContain('e2e hcim b=10');
    expect(await derived.getByTestId('detail-parent').innerText()).toBe(`#${runId}`);
    const row = await client.call('runs.get', { run: newId });
    expect(row.kind).toBe('rescore');
    expect(row.parentId).toBe(runId);
    expect(row.mode).toBe('hcim');
    await expect.poll(async () => (await client.call('runs.get', { run: newId })).state, { timeout: 60_000 }).toBe('completed');
    await page.getByTestId('nav-history').click();
    await page.getByTestId('history-filter-children').check();
    await page.locator(`[data-testid="history-row"][data-run-id="${newId}"]`).waitFor();
  });
});
