// osa-bench sim as a user runs it: a separate process, a device or port to open, a clean stop.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { BoardClient } from '../../drivers/client/board-client';
import { systemClock } from '../../drivers/clock';
import type { LineTransport } from '../../drivers/transport/line-transport';
import { openSerial } from '../../drivers/transport/serial';
import { openTcp } from '../../drivers/transport/tcp';
import { encodeOk, encodeRequest } from '../../shared/protocol/frame';
import { BIN, cli } from './run-cli';

async function startSim(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'sim', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout });
  const output: string[] = [];
  const first = await new Promise<string>((resolve, reject) => {
    lines.on('line', (l) => {
      output.push(l);
      if (output.length === 1) resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`sim exited with ${code} before printing`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, first, output, exited };
}

/** The host end of a link and the lines that came in on it; `next(n)` waits for the first n. */
function listen(transport: LineTransport) {
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  let closed: string | null = null;
  const wake = () => waiters.splice(0).forEach((w) => w());
  transport.onLine((l) => {
    lines.push(l);
    wake();
  });
  transport.onClose((why) => {
    closed = why;
    wake();
  });
  const next = async (n: number) => {
    while (lines.length < n) {
      if (closed !== null) throw new Error(`the link closed (${closed}) after ${lines.length} line(s): ${lines.join(' | ').slice(0, 200)}`);
      await new Promise<void>((r) => waiters.push(r));
    }
    return lines.slice(0, n);
  };
  return { lines, next };
}

/** A process that has ended (a zombie nobody reaped yet counts as ended). */
function ended(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return true;
  }
}

/** Polls `condition` until it holds, failing after `limitMs`: a bound, not a wait. */
async function eventually(condition: () => boolean, limitMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('osa-bench sim', () => {
  it('--pty prints a device the app opens with the serial driver, and stops cleanly on SIGTERM', async () => {
    const sim = await startSim(['--pty', '--baud', '0', '--die-seed', '4']);
    const device = /^device: (\/dev\/pts\/\d+)$/.exec(sim.first)?.[1];
    expect(device).toBeDefined();
    const client = new BoardClient(await openSerial(device!), { clock: systemClock });
    expect((await client.connect()).identity.serial).toBe('SIM-0001');
    await client.close();
    sim.child.kill('SIGTERM');
    expect(await sim.exited).toBe(0);
    expect(sim.output.at(-1)).toBe('stopped (SIGTERM)');
  });

  it('--tcp 0 prints the address it listens on, and stops cleanly on SIGINT', async () => {
    const sim = await startSim(['--tcp', '0', '--die', new URL('../../drivers/sim/dies/noisy.json', import.meta.url).pathname]);
    const m = /^listening: tcp:\/\/127\.0\.0\.1:(\d+)$/.exec(sim.first);
    expect(m).not.toBeNull();
    const client = new BoardClient(await openTcp('127.0.0.1', Number(m![1])), { clock: systemClock });
    expect((await client.connect()).identity.dieId).toBe('OSA-SS-0007');
    await client.close();
    sim.child.kill('SIGINT');
    expect(await sim.exited).toBe(0);
  });

  it.each([
    ['--pty', (first: string) => openSerial(/^device: (\S+)$/.exec(first)![1]!)],
    ['--tcp', (first: string) => openTcp('127.0.0.1', Number(/:(\d+)$/.exec(first)![1]))],
  ])('%s refuses over-long lines (100 KiB without a line end) with ERR 3 or NAK, and keeps serving', async (flag, open) => {
    const sim = await startSim([flag, ...(flag === '--tcp' ? ['0'] : []), '--baud', '0']);
    const host = await open(sim.first);
    const { next } = listen(host);
    host.send(`7 VEC 0 1 B ${'A'.repeat(100 * 1024)}`); // over the 32 KiB that used to cut the link, and over one 64 KiB socket read
    host.send('x'.repeat(100 * 1024)); // no readable seq
    host.send(encodeRequest(9, 'PING'));
    const answers = await next(3);
    expect(answers[0]).toMatch(/^7 ERR 3 line too long \(max 8192\)\*[0-9A-F]{8}$/);
    expect(answers[1]).toMatch(/^- NAK line too long\*[0-9A-F]{8}$/);
    expect(answers[2]).toBe(encodeOk(9));
    expect(sim.child.exitCode).toBeNull();
    await host.close();
    sim.child.kill('SIGTERM');
    expect(await sim.exited).toBe(0);
    expect(sim.output.at(-1)).toBe('stopped (SIGTERM)');
  });

  it('--pty killed with SIGKILL takes socat with it, and the next start sweeps its folder', async () => {
    const sim = await startSim(['--pty', '--baud', '0']);
    const pid = sim.child.pid!;
    const dirs = (await readdir(tmpdir())).filter((n) => n.startsWith(`osa-pty-${pid}-`));
    expect(dirs).toHaveLength(1);
    const dir = join(tmpdir(), dirs[0]!);
    const socat = Number(await readFile(join(dir, 'socat.pid'), 'latin1'));
    expect(ended(socat)).toBe(false);
    sim.child.kill('SIGKILL');
    await sim.exited;
    // the kernel sends the parent-death signal as the simulator dies: 5 s is a generous bound
    await eventually(() => ended(socat), 5000, `socat (pid ${socat}) ended after its simulator was killed`);
    expect(existsSync(dir)).toBe(true); // a SIGKILL runs no clean-up
    const next = await startSim(['--pty', '--baud', '0']);
    expect(existsSync(dir)).toBe(false);
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
  });

  it.each([
    [['--pty', '--tcp', '1'], /exactly one of --pty or --tcp/],
    [['--tcp', '1', '--faults', 'melt=1'], /--faults: unknown fault\(s\) melt; known: corrupt, drop/],
    [['--tcp', '1', '--die', '/nonexistent.json'], /\/nonexistent\.json: invalid die configuration:\n {2}cannot read/],
  ])('refuses %j with one clear line', async (args, message) => {
    const r = await cli('sim', ...args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });
});

describe('osa-bench board info and ports', () => {
  it('identifies a board over TCP', async () => {
    const sim = await startSim(['--tcp', '0', '--baud', '0']);
    const port = /:(\d+)$/.exec(sim.first)![1];
    const r = await cli('board', 'info', '--board', `tcp://127.0.0.1:${port}`);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ identity: { vendor: 'OSA-BENCH-SIM' }, capabilities: { rows: 256 } });
    sim.child.kill('SIGTERM');
    await sim.exited;
  });

  it('reports a port with nothing behind it as one line', async () => {
    const r = await cli('board', 'info', '--board', 'tcp://127.0.0.1:1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^osa-bench: tcp:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/);
  });

  it('lists serial ports as JSON', async () => {
    const r = await cli('ports', '--json');
    expect(r.code).toBe(0);
    expect(Array.isArray(JSON.parse(r.stdout))).toBe(true);
  });
});
