// The socat pty pairs of the simulated board leave nothing behind.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPtyPair, sweepStalePtyDirs } from '../../drivers/sim/pty-pair';

/** The pid of a process that has come and gone. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

describe('pty pair folders', () => {
  let parent = '';
  afterEach(async () => {
    if (parent !== '') await rm(parent, { recursive: true, force: true });
  });

  it("sweeps the folders of processes that are gone, and only those; a live process named in one is not killed unless it is that folder's socat", async () => {
    parent = await mkdtemp(join(tmpdir(), 'sweep-test-'));
    const dead = await deadPid();
    const bystander = spawn('sleep', ['30']);
    const make = async (name: string, socatPid?: number) => {
      await mkdir(join(parent, name));
      if (socatPid !== undefined) await writeFile(join(parent, name, 'socat.pid'), String(socatPid));
      return join(parent, name);
    };
    const stale = await make(`osa-pty-${dead}-abc`, bystander.pid);
    const live = await make(`osa-pty-${process.ppid}-def`);
    const mine = await make(`osa-pty-${process.pid}-ghi`);
    const other = await make('osa-pty-Xy12ab');
    try {
      expect(await sweepStalePtyDirs(parent)).toEqual([stale]);
      expect([stale, live, mine, other].map((d) => existsSync(d))).toEqual([false, true, true, true]);
      // its command line does not name the folder: the pid is no longer that folder's socat
      expect(readFileSync(`/proc/${bystander.pid}/stat`, 'latin1')).toMatch(/^\d+ \(sleep\) S/);
    } finally {
      bystander.kill();
    }
  });

  it('names its folder after this process and records socat, and removes both on close', async () => {
    const pair = await createPtyPair();
    expect(pair.dir).toMatch(new RegExp(`/osa-pty-${process.pid}-[^/]+$`));
    expect(pair.pid).toBeGreaterThan(0);
    expect(existsSync(join(pair.dir, 'socat.pid'))).toBe(true);
    await pair.close();
    expect(existsSync(pair.dir)).toBe(false);
  });
});
