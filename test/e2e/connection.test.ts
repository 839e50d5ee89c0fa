// A page opened with a wrong token, or none, says why it cannot talk to the engine instead of
// showing a blank page.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage, screens, startEngine, type Engine } from './app';

describe('connecting to the engine', { timeout: 120_000 }, () => {
  let engine: Engine;
  let browser: Browser;
  beforeAll(async () => {
    [engine, browser] = await Promise.all([startEngine(), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await engine?.stop();
  });

  it('a wrong token shows the engine refused it, with a way to try again', async () => {
    const page = await openPage(browser, `${engine.origin}/?token=not-the-token`);
    const banner = page.getByTestId('connection-error');
    await banner.waitFor();
    expect(await banner.getAttribute('data-kind')).toBe('refused');
    await expect.poll(() => banner.innerText()).toMatch(/refused the connection.*token/is);
    expect(await banner.innerText()).toMatch(/did not accept the token/);
    await page.getByTestId('connection-retry').waitFor();
    await page.locator('[data-testid="connection-state"][data-state="failed"]').waitFor();
    await screens(page, 'connection-error');
  });

  it('an address without a token says so', async () => {
    const page = await openPage(browser, `${engine.origin}/`);
    const banner = page.getByTestId('connection-error');
    await banner.waitFor();
    expect(await banner.getAttribute('data-kind')).toBe('refused');
    await expect.poll(() => banner.innerText()).toMatch(/no \?token=/);
  });

  it('the right token connects', async () => {
    const page = await openPage(browser, engine.url);
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
    expect(await page.getByTestId('connection-error').count()).toBe(0);
  });
});
