// Runs started elsewhere, and a board lost mid-run, as the open page shows them. A second client
// (what a lab script or `osa-bench run --engine` is) starts runs while the page is open on
// History: the page takes the first up on the Run screen with a notice, offers the next while it
// watches the first; and a run whose simulated board stops answering shows the engine's wait for
// it counting down, then the run's end (interrupted), since the board never comes back.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineClient } from '../../shared/api/client';
import { apiClient, launchChromium, openPage, startEngine, type Engine } from './app';

/** A second board: `osa-bench sim --tcp 0` (the engine runs one run per board at a time). */
function tcpBoard(): Promise<{ address: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, '../../bin/osa-bench.mjs'), 'sim', '--tcp', '0', '--baud', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`osa-bench sim exited (${code})`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^listening: (tcp:\/\/\S+)$/.exec(line);
      if (m?.[1]) resolve({ address: m[1], child });
    });
  });
}

describe('runs started elsewhere, and the resume countdown', { timeout: 180_000 }, () => {
  let engine: Engine;
  let browser: Browser;
  let client: EngineClient;
  let page: Page;
  let board: { address: string; child: ChildProcess };
  beforeAll(async () => {
    [engine, browser, board] = await Promise.all([startEngine(), launchChromium(), tcpBoard()]);
    client = await apiClient(engine);
    page = await openPage(browser, `${engine.url}#/history`);
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
  }, 120_000);
  afterAll(async () => {
    client?.close();
    board?.child.kill('SIGTERM');
    await browser?.close();
    await engine?.stop();
  }, 60_000);

  const long = { board: 'sim', mode: 'osa', workload: { kind: 'relu', vectors: 100_000, seed: 1 }, repeat: 20, batch: 200 } as const;

  it('takes a run started by another client up on the Run screen, and offers the next one while it watches the first', async () => {
    const first = await client.call('run.start', { ...long, label: 'started elsewhere' });
    const notice = page.getByTestId('live-pickup-notice');
    await expect.poll(() => notice.getAttribute('data-run-id'), { timeout: 20_000 }).toBe(String(first.runId));
    expect(await notice.getAttribute('data-attached')).toBe('true');
    expect(await notice.innerText()).toContain(`Run #${first.runId} (started elsewhere) was started elsewhere`);
    // the page stayed on History; Show goes to the run
    expect(await page.getByTestId('screen-history').isVisible()).toBe(true);
    await page.getByTestId('live-pickup-show').click();
    const status = page.getByTestId('run-status');
    await expect.poll(() => status.getAttribute('data-run-id')).toBe(String(first.runId));
    await expect.poll(() => page.getByTestId('run-state').getAttribute('data-state'), { timeout: 30_000 }).toBe('running');

    const second = await client.call('run.start', { ...long, board: board.address, label: 'second' });
    await expect.poll(() => notice.getAttribute('data-run-id'), { timeout: 20_000 }).toBe(String(second.runId));
    expect(await notice.getAttribute('data-attached')).toBe('false');
    // still watching the first
    expect(await status.getAttribute('data-run-id')).toBe(String(first.runId));
    await page.getByTestId('live-pickup-watch').click();
    await expect.poll(() => status.getAttribute('data-run-id')).toBe(String(second.runId));
    await Promise.all([client.call('run.abort', { runId: first.runId }), client.call('run.abort', { runId: second.runId })]);
    await expect.poll(() => page.getByTestId('run-state').getAttribute('data-state'), { timeout: 30_000 }).toBe('aborted');
  });

  it('counts the seconds of the engine’s wait for a lost board down, then shows the run ended interrupted', async () => {
    // the aborted runs let go of their boards once they have wound down
    const start = async () => {
      for (;;) {
        try {
          return await client.call('run.start', options);
        } catch (e) {
          if (!/busy/.test((e as Error).message)) throw e;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    };
    const options = {
      board: 'sim',
      mode: 'osa',
      workload: { kind: 'relu', vectors: 6000, seed: 1 },
      batch: 200,
      // the board stops answering after 300 lines, and on every connection after
      faults: 'hang-after=300',
      // the engine waits the API's default, 10 s: the documents do not say how long, so the page counts that
      label: 'e2e countdown',
    } as const;
    const { runId } = await start();
    // the page watches the run the pickup took up (the previous ones ended)
    const status = page.locator(`[data-testid="run-status"][data-run-id="${runId}"]`);
    await status.waitFor({ timeout: 20_000 });
    const box = page.getByTestId('board-disconnected');
    await box.waitFor({ timeout: 60_000 });
    const seconds = async () => Number(await box.getAttribute('data-seconds'));
    const first = await seconds();
    expect(first).toBeGreaterThanOrEqual(1);
    expect(first).toBeLessThanOrEqual(10);
    expect(await page.getByTestId('resume-countdown').innerText()).toMatch(/^Board disconnected — resuming within ([1-9]|10) s$/);
    expect(await page.getByTestId('run-state').getAttribute('data-state')).toBe('resuming');
    // it counts down (the page's clock, from the disconnect event's time)
    if (first >= 3) await expect.poll(seconds, { timeout: 5_000 }).toBeLessThan(first);
    // the hung board does not come back: the run ends interrupted, and says why
    await expect.poll(() => page.getByTestId('run-state').getAttribute('data-state'), { timeout: 90_000 }).toBe('interrupted');
    await page.getByTestId('board-lost').waitFor();
    expect(await box.count()).toBe(0);
    await page.locator('[data-testid="event-row"][data-kind="disconnect"]').first().waitFor();
  });
});
