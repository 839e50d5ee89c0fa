// osa-bench sim as a user runs it: a separate process, a device or port to open, a clean stop.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { BoardClient } from '../../drivers/client/board-client';
import { systemClock } from '../../drivers/clock';
import { openSerial } from '../../drivers/transport/serial';
import { openTcp } from '../../drivers/transport/tcp';
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
