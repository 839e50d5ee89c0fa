// A serial board link finds its board again by identity after the board comes back on another
// port, and says which board it found instead when another one sits on the old port. The boards
// are simulated boards on real ptys (socat): `osa-bench sim --pty` processes where a board
// restarts, in-process ones elsewhere; /dev/ttyUSB-like names are symlinks to their ptys.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../drivers/clock';
import { BoardNotFoundError, type SerialPortInfo } from '../../drivers/discovery';
import { parseDieConfig } from '../../drivers/sim/die-config';
import { createPtyPair } from '../../drivers/sim/pty-pair';
import { SimBoard } from '../../drivers/sim/sim-board';
import { openSerial } from '../../drivers/transport/serial';
import { serialBoardLink, WrongBoardError, type BoardConnection } from '../../engine/board/board-link';
import { BIN } from '../cli/run-cli';
import { objectContaining, stringMatching } from '../support/matchers';

interface Sim {
  readonly device: string;
  stop(): Promise<void>;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => undefined);
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'osa-link-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A die of its own: boards other tests serve at the same time never carry this identity. */
async function dieFile(dir: string, name: string): Promise<string> {
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify({ dieId: `LINK-DIE-${name}`, serial: `LINK-SN-${name}`, seed: 3 }));
  return file;
}

/** An in-process simulated board on a pty: seconds faster to start than a sim process. */
async function ptyBoard(name: string): Promise<Sim> {
  const pair = await createPtyPair();
  const board = new SimBoard({ die: parseDieConfig({ dieId: `LINK-DIE-${name}`, serial: `LINK-SN-${name}`, seed: 3 }), clock: systemClock });
  board.attach(await openSerial(pair.boardPath));
  const stop = async () => {
    board.stop();
    await pair.close();
  };
  cleanups.push(stop);
  return { device: pair.hostPath, stop };
}

async function startSim(die: string): Promise<Sim> {
  const child = spawn(process.execPath, [BIN, 'sim', '--pty', '--baud', '0', '--die', die], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  cleanups.push(stop);
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    void exited.then(() => reject(new Error('sim exited before printing its device')));
  });
  const device = /^device: (\/dev\/pts\/\d+)$/.exec(first)?.[1];
  if (!device) throw new Error(`sim printed ${first}`);
  return { device, stop };
}

function lostOf(conn: BoardConnection): Promise<void> {
  return new Promise((resolve) => conn.client.onLost(() => resolve()));
}

describe('serial board link', () => {
  it('finds the same board on its new pty after it restarted there', async () => {
    const dir = await tempDir();
    const die = await dieFile(dir, 'A');
    const a = await startSim(die);
    const link = serialBoardLink(a.device, { clock: systemClock, listPorts: () => Promise.resolve([]) });
    const conn = await link.connect();
    expect(conn.client.identity).toMatchObject({ serial: 'LINK-SN-A', dieId: 'LINK-DIE-A' });

    const b = await startSim(die); // the same die, on another pty
    const lost = lostOf(conn);
    await a.stop();
    await lost;
    await conn.client.close();

    const again = await link.connect();
    cleanups.push(() => again.client.close());
    expect(b.device).not.toBe(a.device);
    expect(link.lastPath).toBe(b.device);
    expect(again.client.identity).toMatchObject({ serial: 'LINK-SN-A', dieId: 'LINK-DIE-A' });
    await again.client.ping();
  });

  it('refuses a different board on the old port, naming both boards and the port', async () => {
    const dir = await tempDir();
    const [a, other] = [await ptyBoard('A'), await ptyBoard('B')];
    const port = join(dir, 'ttyUSB0');
    const empty = join(dir, 'ttyACM0'); // a listed port with nothing behind it
    await symlink(a.device, port);
    const link = serialBoardLink(port, { clock: systemClock, listPorts: () => Promise.resolve([{ path: empty }]) });
    const conn = await link.connect();
    const lost = lostOf(conn);
    await a.stop();
    await lost;
    await conn.client.close();
    // another board is plugged in where the first one was
    await rm(port);
    await symlink(other.device, port);

    const refused = await link.connect().then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(WrongBoardError);
    expect((refused as WrongBoardError).message).toBe(
      `${port}: a different board answered: expected serial LINK-SN-A, die LINK-DIE-A; found serial LINK-SN-B, die LINK-DIE-B`,
    );
    expect((refused as WrongBoardError).answers).toEqual([
      { path: port, identity: objectContaining({ serial: 'LINK-SN-B', dieId: 'LINK-DIE-B' }) },
      { path: empty, error: stringMatching(/cannot open/) },
    ]);
    expect(link.lastPath).toBe(port);
  });

  it('tries ports with the USB serial number of the old one first', async () => {
    const dir = await tempDir();
    const [a, other] = [await ptyBoard('A'), await ptyBoard('B')];
    const [usb0, usb1, usb2] = ['ttyUSB0', 'ttyUSB1', 'ttyUSB2'].map((n) => join(dir, n)) as [string, string, string];
    await symlink(a.device, usb0);
    let ports: SerialPortInfo[] = [{ path: usb0, serialNumber: 'FT-1' }];
    const opened: string[] = [];
    const link = serialBoardLink(usb0, {
      clock: systemClock,
      listPorts: () => Promise.resolve(ports),
      open: (path) => {
        opened.push(path);
        return openSerial(path);
      },
    });
    const conn = await link.connect();
    await conn.client.close();
    // the adapter re-enumerates behind another board's port
    await rm(usb0);
    await symlink(other.device, usb1);
    await symlink(a.device, usb2);
    ports = [
      { path: usb1, serialNumber: 'FT-9' },
      { path: usb2, serialNumber: 'FT-1' },
    ];
    opened.length = 0;

    const again = await link.connect();
    cleanups.push(() => again.client.close());
    expect(link.lastPath).toBe(usb2);
    expect(opened).toEqual([usb0, usb2, usb2]); // old port, the probe, the run's connection
  });

  it('still tries the old port when the ports cannot be listed, and says why they were not', async () => {
    const dir = await tempDir();
    const a = await ptyBoard('A');
    const port = join(dir, 'ttyUSB0');
    await symlink(a.device, port);
    let listings = 0;
    const link = serialBoardLink(port, {
      clock: systemClock,
      listPorts: () => {
        listings += 1;
        return Promise.reject(new Error('spawn udevadm ENOENT'));
      },
    });
    const conn = await link.connect();
    await conn.client.close();
    const again = await link.connect();
    expect(again.client.identity.serial).toBe('LINK-SN-A');
    expect(listings).toBeGreaterThan(0);

    const lost = lostOf(again);
    await a.stop();
    await lost;
    await again.client.close();
    const missing = await link.connect().then(
      () => null,
      (e: unknown) => e,
    );
    expect(missing).toBeInstanceOf(BoardNotFoundError);
    expect((missing as BoardNotFoundError).answers.map((x) => x.path)).toEqual([port]);
    expect((missing as Error).message).toMatch(
      /^no board with serial LINK-SN-A, die LINK-DIE-A among 1 port\(s\):\n {2}\S+ttyUSB0: .*cannot open.*\n {2}cannot list serial ports: udevadm is missing/,
    );
  });
});
