// A linked pair of pseudo-terminals made by socat: the simulated board opens one end, the app
// opens the other exactly as it would open a USB serial port.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PtyPair {
  /** the end the simulated board opens */
  readonly boardPath: string;
  /** the end the app opens: /dev/pts/N */
  readonly hostPath: string;
  close(): Promise<void>;
}

export class PtyUnavailableError extends Error {
  constructor(detail: string) {
    super(`cannot make a pseudo-terminal pair: ${detail} (install the Debian package socat)`);
    this.name = 'PtyUnavailableError';
  }
}

export async function createPtyPair(timeoutMs = 5000): Promise<PtyPair> {
  const dir = await mkdtemp(join(tmpdir(), 'osa-pty-'));
  const boardLink = join(dir, 'board');
  const hostLink = join(dir, 'host');
  const socat: ChildProcess = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${boardLink}`, `pty,raw,echo=0,link=${hostLink}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  socat.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<string>((resolve) => {
    socat.once('error', (e) => resolve(e.message));
    socat.once('exit', (code) => resolve(`socat exited with code ${code}: ${stderr.trim().split('\n').pop() ?? ''}`));
  });
  const ready = (async () => {
    const start = Date.now();
    for (;;) {
      const both = await Promise.all([stat(boardLink), stat(hostLink)].map((p) => p.then(() => true, () => false)));
      if (both.every(Boolean)) return;
      if (Date.now() - start > timeoutMs) throw new PtyUnavailableError(`socat made no pair in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const outcome = await Promise.race([ready.then(() => null), exited]);
  const close = async () => {
    if (socat.exitCode === null) {
      const gone = new Promise((r) => socat.once('exit', r));
      socat.kill('SIGTERM');
      await gone;
    }
    await rm(dir, { recursive: true, force: true });
  };
  if (outcome !== null) {
    await close();
    throw new PtyUnavailableError(outcome);
  }
  return { boardPath: boardLink, hostPath: await readlink(hostLink), close };
}
