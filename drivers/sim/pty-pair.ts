// A linked pair of pseudo-terminals made by socat: the simulated board opens one end, the app
// opens the other exactly as it would open a USB serial port.
//
// socat must not outlive us: a simulator killed with SIGKILL runs no clean-up. On Linux socat is
// started through setpriv (util-linux) with a parent-death signal, so the kernel kills it with
// us; each pair's folder is named after our pid and records socat's pid, so the next start sweeps
// the folders (and any socat still left) of processes that are gone.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface PtyPair {
  /** the end the simulated board opens */
  readonly boardPath: string;
  /** the end the app opens: /dev/pts/N */
  readonly hostPath: string;
  /** the folder holding the two links and socat's pid */
  readonly dir: string;
  /** socat's process id */
  readonly pid: number | undefined;
  close(): Promise<void>;
}

export class PtyUnavailableError extends Error {
  constructor(detail: string) {
    super(`cannot make a pseudo-terminal pair: ${detail} (install the Debian package socat)`);
    this.name = 'PtyUnavailableError';
  }
}

const DIR_PREFIX = 'osa-pty-';
const PID_FILE = 'socat.pid';

function onPath(program: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, program);
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  return null;
}

/** socat, tied to our life where the platform allows it. */
function spawnSocat(args: string[]): ChildProcess {
  const setpriv = process.platform === 'linux' ? onPath('setpriv') : null;
  const options = { stdio: ['ignore', 'ignore', 'pipe'] as ('ignore' | 'pipe')[] };
  return setpriv ? spawn(setpriv, ['--pdeathsig', 'KILL', '--', 'socat', ...args], options) : spawn('socat', args, options);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // there, but not ours
  }
}

/** Remove the pair folders of processes that are gone, killing a socat of theirs still running. */
export async function sweepStalePtyDirs(parent = tmpdir()): Promise<string[]> {
  const swept: string[] = [];
  const names = await readdir(parent).catch(() => [] as string[]);
  for (const name of names) {
    const owner = new RegExp(`^${DIR_PREFIX}(\\d+)-`).exec(name)?.[1];
    if (owner === undefined || Number(owner) === process.pid || alive(Number(owner))) continue;
    const dir = join(parent, name);
    const socatPid = Number(await readFile(join(dir, PID_FILE), 'latin1').catch(() => ''));
    if (Number.isInteger(socatPid) && socatPid > 0) {
      // only the socat of that folder: its pid may have been given to another process since
      const cmdline = await readFile(`/proc/${socatPid}/cmdline`, 'latin1').catch(() => '');
      if (cmdline.includes('socat') && cmdline.includes(dir)) {
        try {
          process.kill(socatPid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
    }
    await rm(dir, { recursive: true, force: true });
    swept.push(dir);
  }
  return swept;
}

export async function createPtyPair(timeoutMs = 5000): Promise<PtyPair> {
  await sweepStalePtyDirs();
  const dir = await mkdtemp(join(tmpdir(), `${DIR_PREFIX}${process.pid}-`));
  const boardLink = join(dir, 'board');
  const hostLink = join(dir, 'host');
  const socat = spawnSocat(['-d', '-d', `pty,raw,echo=0,link=${boardLink}`, `pty,raw,echo=0,link=${hostLink}`]);
  if (socat.pid !== undefined) await writeFile(join(dir, PID_FILE), String(socat.pid));
  let stderr = '';
  socat.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<string>((resolve) => {
    socat.once('error', (e) => resolve(e.message));
    socat.once('exit', (code) => resolve(`socat exited with code ${code}: ${stderr.trim().split('\n').pop() ?? ''}`));
  });
  let settled = false;
  const ready = (async () => {
    const start = Date.now();
    // stops once socat has failed: no rejection left behind with nobody to catch it
    while (!settled) {
      const both = await Promise.all(
        [stat(boardLink), stat(hostLink)].map((p) =>
          p.then(
            () => true,
            () => false,
          ),
        ),
      );
      if (both.every(Boolean)) return;
      if (Date.now() - start > timeoutMs) throw new PtyUnavailableError(`socat made no pair in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const close = async () => {
    if (socat.exitCode === null && socat.signalCode === null) {
      const gone = new Promise((r) => socat.once('exit', r));
      socat.kill('SIGTERM');
      await gone;
    }
    await rm(dir, { recursive: true, force: true });
  };
  let outcome: string | null;
  try {
    outcome = await Promise.race([ready.then(() => null), exited]);
  } catch (e) {
    await close(); // no pair in time: socat must not stay behind
    throw e;
  } finally {
    settled = true;
  }
  if (outcome !== null) {
    await close();
    throw new PtyUnavailableError(outcome);
  }
  return { boardPath: boardLink, hostPath: await readlink(hostLink), dir, pid: socat.pid, close };
}
