// The Python example of docs/api.md, run against `osa-bench serve` as a lab would: the served URL
// from its one line of output, a simulated run started and watched from start to stop, and the
// server stopped by SIGTERM with exit code 0.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN } from '../cli/run-cli';

const EXAMPLE = fileURLToPath(new URL('../../docs/examples/watch_run.py', import.meta.url));
const API_DOC = fileURLToPath(new URL('../../docs/api.md', import.meta.url));

/** The first python3 that has the websockets package (Debian's python3-websockets). */
function pythonWithWebsockets(): string {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(python, ['-c', 'import websockets'], { stdio: 'ignore' });
      return python;
    } catch {
      // not this one
    }
  }
  throw new Error('no python3 with the websockets package: apt-get install python3-websockets');
}

describe('docs/api.md: the Python example', () => {
  it('is in the doc as it is in docs/examples/watch_run.py', () => {
    expect(readFileSync(API_DOC, 'utf8')).toContain(readFileSync(EXAMPLE, 'utf8'));
  });

  it('starts a simulated run on `osa-bench serve` and prints start, batches and a completed stop', async () => {
    const python = pythonWithWebsockets();
    const db = join(mkdtempSync(join(tmpdir(), 'osa-serve-py-')), 'runs.db');
    const server = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    try {
      const lines: string[] = [];
      const served = await new Promise<string>((resolve, reject) => {
        createInterface({ input: server.stdout }).on('line', (line) => {
          lines.push(line);
          const m = /^serving: (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)$/.exec(line);
          if (m?.[1]) resolve(m[1]);
        });
        void exited.then((code) => reject(new Error(`osa-bench serve exited (${code}) before serving`)));
      });
      const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(python, [EXAMPLE, served], (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })),
      );
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      expect(out.stdout).toMatch(/^run \d+ started\nstart\ndescriptor\n/);
      expect(out.stdout).toMatch(/^batch 0: vectors 0\.\.\d+, SNR so far \d+\.\d\d dB$/m);
      expect(out.stdout).toMatch(/^stop completed: SNR \d+\.\d+ dB, 2000 vectors\n$/m);
      server.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(lines).toEqual([`serving: ${served}`]);
    } finally {
      server.kill('SIGKILL');
    }
  });
});
