// Session and Configure from the UI, on the real engine and the simulated board: a session set
// on the Bench screen is the one the next run is logged under; a die profile edited, refused by
// its field, fixed, saved and run with; CSV stimulus and NPY weights imported (a bad file refused
// by its file and line) and run on; a calibration record picked and applied; a fault of the
// simulated board set on the Bench screen and seen in the run's events.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineClient } from '../../shared/api/client';
import { formatNpy } from '../../shared/io/npy';
import { apiClient, launchChromium, openPage, screens, startEngine, type Engine } from './app';

describe('Session and Configure from the UI', { timeout: 180_000 }, () => {
  let engine: Engine;
  let browser: Browser;
  let page: Page;
  let api: EngineClient;
  const dir = mkdtempSync(join(tmpdir(), 'osa-e2e-configure-'));
  beforeAll(async () => {
    [engine, browser] = await Promise.all([startEngine(), launchChromium()]);
    api = await apiClient(engine);
    page = await openPage(browser, engine.url);
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
  }, 120_000);
  afterAll(async () => {
    api?.close();
    await browser?.close();
    await engine?.stop();
  });

  const fieldError = (field: string) => page.locator(`[data-testid="field-error"][data-field="${field}"]`);
  const state = () => page.getByTestId('run-state').getAttribute('data-state');

  /** Start the run the form holds and wait for it to end; its id. */
  async function runToEnd(expected = 'completed'): Promise<number> {
    const before = (await page.getByTestId('run-status').count()) > 0 ? await page.getByTestId('run-status').getAttribute('data-run-id') : null;
    await page.getByTestId('start-run').click();
    await expect.poll(() => page.getByTestId('run-status').getAttribute('data-run-id'), { timeout: 30_000 }).not.toBe(before);
    const runId = Number(await page.getByTestId('run-status').getAttribute('data-run-id'));
    await expect.poll(state, { timeout: 90_000 }).toBe(expected);
    return runId;
  }

  async function smallGeneratedRun(vectors: number): Promise<void> {
    await page.getByTestId('nav-run').click();
    await page.getByTestId('stimulus-generated').check();
    await page.getByTestId('run-mode').selectOption('osa');
    await page.getByTestId('run-workload').selectOption('relu');
    await page.getByTestId('run-vectors').fill(String(vectors));
  }

  it('logs a run under the session set on the Bench screen', async () => {
    await page.getByTestId('nav-bench').click();
    await page.getByTestId('board-kind-sim').check();
    await page.getByTestId('session-operator').fill('A. Jones');
    await page.getByTestId('session-bench').fill('lab 2');
    await page.getByTestId('session-die-id').fill('W07-D17');
    await page.getByTestId('session-ambient').fill('400');
    await page.getByTestId('session-save').click();
    await expect.poll(() => fieldError('ambientC').innerText()).toMatch(/200/);
    await page.getByTestId('session-ambient').fill('27.5');
    await page.getByTestId('session-notes').fill('probe card 4');
    await page.getByTestId('session-save').click();
    await page.getByTestId('session-saved').waitFor();
    expect(await page.getByTestId('session-current').innerText()).toContain('A. Jones · bench lab 2 · die W07-D17 · 27.5 °C');
    expect(await fieldError('ambientC').count()).toBe(0);
    await screens(page, 'bench-session');

    await smallGeneratedRun(400);
    expect(await page.getByTestId('run-session').innerText()).toContain('A. Jones · bench lab 2');
    const runId = await runToEnd();
    const row = await api.call('runs.get', { run: runId });
    expect(row.sessionId).not.toBeNull();
    expect(await api.call('session.get', {})).toMatchObject({ operator: 'A. Jones', bench: 'lab 2', dieId: 'W07-D17', ambientC: 27.5, notes: 'probe card 4' });
    const db = new Database(engine.dbPath, { readonly: true, fileMustExist: true });
    try {
      const s = db.prepare('SELECT operator, bench, die_label, ambient_c, notes FROM sessions WHERE id = ?').get(row.sessionId);
      expect(s).toEqual({ operator: 'A. Jones', bench: 'lab 2', die_label: 'W07-D17', ambient_c: 27.5, notes: 'probe card 4' });
    } finally {
      db.close();
    }
  });

  it('refuses a bad profile field by that field, saves a fixed profile and runs with it', async () => {
    await page.getByTestId('nav-run').click();
    await page.getByTestId('profile-edit').click();
    await page.getByTestId('profile-editor').waitFor();
    await page.getByTestId('profile-field-adcBits').fill('20');
    await page.getByTestId('profile-level-0-skip').fill('12');
    await page.getByTestId('profile-validate').click();
    await expect.poll(() => page.getByTestId('profile-check-state').getAttribute('data-state')).toBe('invalid');
    expect(await fieldError('adcBits').innerText()).toMatch(/12/);
    expect(await page.getByTestId('profile-field-adcBits').getAttribute('aria-invalid')).toBe('true');

    await page.getByTestId('profile-field-adcBits').fill('7');
    await page.getByTestId('profile-validate').click();
    await expect.poll(() => fieldError('levels.0.skip').count()).toBe(1);
    expect(await fieldError('levels.0.skip').innerText()).toMatch(/boundary/);
    expect(await fieldError('adcBits').count()).toBe(0);

    await page.getByTestId('profile-level-0-skip').fill('4');
    await page.getByTestId('profile-validate').click();
    await expect.poll(() => page.getByTestId('profile-check-state').getAttribute('data-state')).toBe('valid');
    await page.getByTestId('profile-name').fill('e2e-adc7');
    await page.getByTestId('profile-save').click();
    await page.getByTestId('profile-saved').waitFor();
    const saved = await api.call('profiles.list', {});
    const path = saved.find((p) => p.name === 'e2e-adc7')?.path;
    expect(path).toBeDefined();
    expect(await page.getByTestId('run-profile').inputValue()).toBe(path);
    await screens(page, 'run-profile');
    await page.getByTestId('profile-editor-close').click();

    await smallGeneratedRun(300);
    const runId = await runToEnd();
    const row = await api.call('runs.get', { run: runId });
    expect((row.config.profile as { adcBits: number }).adcBits).toBe(7);
  });

  it('imports CSV stimulus and NPY weights (a bad file refused by its file and line) and runs on them', async () => {
    const bad = join(dir, 'bad-vectors.csv');
    writeFileSync(bad, `${Array(256).fill(1).join(',')}\n${Array(256).fill(2).join(',')}\n${Array(255).fill(3).join(',')},x\n`);
    const vectors = join(dir, 'vectors.csv');
    const rows = 37;
    writeFileSync(vectors, Array.from({ length: rows }, (_, t) => Array.from({ length: 256 }, (_, n) => (t * 31 + n * 7) % 256).join(',')).join('\n') + '\n');
    // the weights as NumPy writes them (int32, C order)
    const weights = join(dir, 'weights.npy');
    const w = Int32Array.from({ length: 256 * 8 }, (_, k) => ((Math.floor(k / 8) * 13 + (k % 8) * 29) % 255) - 127);
    writeFileSync(weights, formatNpy({ rows: 256, cols: 8, data: w }));

    await page.getByTestId('nav-run').click();
    await page.getByTestId('stimulus-imported').check();
    await page.getByTestId('import-vectors-file').setInputFiles(bad);
    await expect.poll(() => fieldError('vectorsFile').count()).toBe(1);
    const message = await fieldError('vectorsFile').innerText();
    expect(message).toContain('bad-vectors.csv');
    expect(message).toMatch(/line 3/);

    await page.getByTestId('import-vectors-file').setInputFiles(vectors);
    await page.getByTestId('import-vectors-shape').waitFor();
    expect(await page.getByTestId('import-vectors-shape').getAttribute('data-rows')).toBe(String(rows));
    expect(await fieldError('vectorsFile').count()).toBe(0);
    await page.getByTestId('import-weights-file').setInputFiles(weights);
    await page.getByTestId('import-weights-shape').waitFor();
    expect(await page.getByTestId('import-weights-shape').innerText()).toBe('weights.npy: 256 rows × 8 columns');

    const runId = await runToEnd();
    const row = await api.call('runs.get', { run: runId });
    expect(row.vectorsTotal).toBe(rows);
    expect(row.vectorsDone).toBe(rows);
    expect((row.provenance.stimulus as { generator: string }).generator).toMatch(/^file:/);
  });

  it('applies the calibration record picked', async () => {
    // a calibration record of the simulated die (default profile), as the adc-transfer procedure makes it
    // (the board is released a moment after the last run's stop document)
    let procId = 0;
    await expect
      .poll(
        async () =>
          (procId = await api
            .call('procedure.start', { board: 'sim', procedure: 'adc-transfer', params: { repeat: 2 } })
            .then((r) => r.runId)
            .catch((e: Error) => {
              if (/busy/.test(e.message)) return 0;
              throw e;
            })),
        { timeout: 30_000, interval: 250 },
      )
      .toBeGreaterThan(0);
    await expect.poll(async () => (await api.call('runs.get', { run: procId })).state, { timeout: 120_000, interval: 500 }).toBe('completed');
    const [record] = await api.call('calibrations.list', {});
    expect(record?.sourceRunId).toBe(procId);

    await page.getByTestId('nav-run').click();
    await page.getByTestId('run-profile').selectOption('');
    await page.getByTestId('calibration-refresh').click();
    await page.locator(`[data-testid="calibration-picker"] option[value="${record!.id}"]`).waitFor({ state: 'attached' });
    await page.getByTestId('calibration-picker').selectOption(String(record!.id));
    await smallGeneratedRun(300);
    const runId = await runToEnd();
    const row = await api.call('runs.get', { run: runId });
    expect(row.provenance.calibration).toMatchObject({ id: record!.id });
    await page.getByTestId('calibration-picker').selectOption('0');
  });

  it('runs on a simulated board with the fault set on the Bench screen', async () => {
    await page.getByTestId('nav-bench').click();
    await page.getByTestId('sim-faults').fill('reboot-after=60');
    await page.getByTestId('sim-faults-help').locator('summary').click();
    expect(await page.getByTestId('sim-faults-help').innerText()).toContain('reboot-after=N');
    await smallGeneratedRun(1500);
    await page.getByTestId('run-batch').fill('100');
    expect(await page.getByTestId('board-description').innerText()).toContain('faults reboot-after=60');
    const runId = await runToEnd();
    await page.locator('[data-testid="event-row"][data-kind="reboot"]').first().waitFor();
    const row = await api.call('runs.get', { run: runId });
    expect(row.events.some((e) => e.kind === 'reboot')).toBe(true);
    expect((row.summary as { reboots: number }).reboots).toBeGreaterThan(0);

    // a fault the simulated board does not know is refused by the faults field
    await page.getByTestId('nav-bench').click();
    await page.getByTestId('sim-faults').fill('rebot-after=60');
    await page.getByTestId('nav-run').click();
    await page.getByTestId('start-run').click();
    await expect.poll(() => fieldError('faults').count()).toBe(1);
    expect(await fieldError('faults').innerText()).toContain('rebot-after');
    await page.getByTestId('nav-bench').click();
    await page.getByTestId('sim-faults').fill('');
  });
});
