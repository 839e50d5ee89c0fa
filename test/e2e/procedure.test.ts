// A characterization procedure from the UI: an SNR sweep over a short boundary range with few
// vectors runs its steps and shows its result plot, which exports as a PNG.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage, screens, startEngine, type Engine } from './app';

describe('a procedure from the UI', { timeout: 120_000 }, () => {
  let engine: Engine;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    [engine, browser] = await Promise.all([startEngine(), launchChromium()]);
    page = await openPage(browser, `${engine.url}#/procedures`);
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await engine?.stop();
  });

  it('an SNR sweep runs its steps and shows its result plot', async () => {
    await page.getByTestId('screen-procedures').waitFor();
    await page.getByTestId('procedure-option-snr-sweep').click();
    await page.getByTestId('param-vectors').fill('300');
    await page.getByTestId('param-from').fill('7');
    await page.getByTestId('param-to').fill('9');
    await page.getByTestId('procedure-start').click();

    await page.getByTestId('run-status').waitFor();
    const result = page.getByTestId('procedure-result');
    await result.waitFor({ timeout: 90_000 });
    expect(await result.getAttribute('data-procedure')).toBe('snr-sweep');
    expect(await page.getByTestId('run-state').getAttribute('data-state')).toBe('completed');
    // one child run per boundary of the range
    await expect.poll(() => page.getByTestId('procedure-children').locator('tbody tr').count()).toBe(3);
    const plot = result.locator('canvas').first();
    await plot.waitFor();
    const box = await plot.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(100);
    expect(await result.getByTestId('export-png').first().isEnabled()).toBe(true);
    await screens(page, 'procedures');
    await result.scrollIntoViewIfNeeded();
    await screens(page, 'procedure-result');
  });
});
