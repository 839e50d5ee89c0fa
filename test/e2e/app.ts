// The app as a user meets it in web mode: the real engine (`osa-bench serve`, a child process, a
// store in a fresh folder) and Debian's Chromium driven by playwright-core. No browser is
// downloaded: the tests use /usr/bin/chromium, as .ci/run installs it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { EngineClient, type SocketLike } from '../../shared/api/client';

export const CHROMIUM = process.env.OSA_BENCH_CHROMIUM ?? '/usr/bin/chromium';
const CLI = join(import.meta.dirname, '../../bin/osa-bench.mjs');
/** Screenshots for docs/ and the README, written by an e2e run with OSA_BENCH_SCREENSHOTS=1. */
export const SHOTS = join(import.meta.dirname, '../../docs/img');

export interface Engine {
  readonly url: string;
  readonly origin: string;
  readonly dbPath: string;
  stop(): Promise<void>;
}

/** `osa-bench serve --port 0` on a store of its own; resolves once it prints its address. */
export function startEngine(dbPath = join(mkdtempSync(join(tmpdir(), 'osa-e2e-')), 'runs.db')): Promise<Engine> {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--db', dbPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`osa-bench serve exited (${code}): ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^serving: (\S+)$/.exec(line);
      if (!m?.[1]) return;
      child.removeAllListeners('exit');
      const url = m[1];
      resolve({
        url,
        origin: new URL(url).origin,
        dbPath,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

/** A page in a fresh context (its own storage), sized like a bench laptop, in the given theme. */
export async function openPage(browser: Browser, url: string, theme: 'light' | 'dark' = 'light'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: theme, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** Screenshots are written only when asked for (OSA_BENCH_SCREENSHOTS=1), so CI runs leave docs/img alone. */
export const SCREENSHOTS = process.env.OSA_BENCH_SCREENSHOTS === '1';

/** Resolves after the page has drawn `n` more frames (a redraw after a state change has landed). */
export async function frames(page: Page, n = 2): Promise<void> {
  await page.evaluate(
    (count) =>
      new Promise<void>((resolve) => {
        // the page's own function (the tests are type-checked without the DOM's types)
        const raf = (globalThis as unknown as { requestAnimationFrame(this: void, cb: () => void): number }).requestAnimationFrame;
        let left = count;
        const step = (): void => {
          if (--left <= 0) resolve();
          else raf(step);
        };
        raf(step);
      }),
    n,
  );
}

/**
 * docs/img/<screen>-light.png and <screen>-dark.png of the page as it is, when OSA_BENCH_SCREENSHOTS=1.
 * The theme follows the system's colour scheme while the operator has not chosen one, so the
 * page is switched by emulating it; the plots are made again in the theme's colours on the next frame.
 */
export async function screens(page: Page, screen: string): Promise<void> {
  if (!SCREENSHOTS) return;
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached' });
    await frames(page, 3);
    await screenshot(page, `${screen}-${theme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.locator('html[data-theme="light"]').waitFor({ state: 'attached' });
}

/** The engine's API for a test's own calls (what a lab script would do): the typed client over ws. */
export async function apiClient(engine: Engine): Promise<EngineClient> {
  const u = new URL(engine.url);
  const client = new EngineClient({ url: `ws://${u.host}/api${u.search}`, socket: (url): SocketLike => new WebSocket(url), callTimeoutMs: 60_000 });
  await client.connect();
  return client;
}

/** A canvas's pixels as a data URL, to tell when a plot has been drawn again with other data. */
export function canvasImage(page: Page, selector: string): Promise<string> {
  return page
    .locator(selector)
    .first()
    .evaluate((el) => (el as unknown as { toDataURL(type: string): string }).toDataURL('image/png'));
}
