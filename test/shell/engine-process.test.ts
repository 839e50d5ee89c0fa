// The engine the desktop shell starts: the real `osa-bench serve` in a child process, found by its
// one `serving:` line, answering on loopback, and stopped cleanly.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEngine } from '../../shell/engine-process';

const CLI = join(import.meta.dirname, '../../bin/osa-bench.mjs');

describe('the engine process of the desktop shell', () => {
  it('starts osa-bench serve on a free loopback port with a token, and stops it', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'osa-shell-')), 'runs.db');
    const engine = await startEngine({ node: process.execPath, cli: CLI, dbPath });
    try {
      expect(engine.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{16,}$/);
      expect(engine.origin).toBe(new URL(engine.url).origin);
      const page = await fetch(engine.url);
      expect(page.status).toBe(200);
    } finally {
      await engine.stop();
    }
    await expect(fetch(engine.url)).rejects.toThrow();
  });

  it('says why when the engine cannot start', async () => {
    await expect(startEngine({ node: process.execPath, cli: join(import.meta.dirname, 'no-such-cli.mjs'), dbPath: '/tmp/x.db' })).rejects.toThrow(
      /the engine did not start: it exited/,
    );
  });
});
