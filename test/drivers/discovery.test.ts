// Where a re-enumerated board may come back: ports of the same kind as the old one, and which of
// them are new since the board was last seen. Real files in a temporary folder stand for /dev.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../drivers/clock';
import { BoardNotFoundError, findBoard, siblingPorts, stampPorts } from '../../drivers/discovery';
import { setupBoard } from './board-fixtures';
import { objectContaining } from '../support/matchers';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function devFolder(...names: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'osa-dev-'));
  dirs.push(dir);
  for (const name of names) await writeFile(join(dir, name), '');
  return dir;
}

describe('sibling ports', () => {
  it('are the same folder and name stem with another number', async () => {
    const dev = await devFolder('ttyUSB0', 'ttyUSB1', 'ttyUSB10', 'ttyUSB2', 'ttyUSBx', 'ttyACM0', 'ttyS0', 'ttyUSB');
    expect(await siblingPorts(join(dev, 'ttyUSB0'))).toEqual(['ttyUSB1', 'ttyUSB2', 'ttyUSB10'].map((n) => join(dev, n)));
    expect(await siblingPorts(join(dev, 'ttyACM3'))).toEqual([join(dev, 'ttyACM0')]);
  });

  it('of a pty are the other numbered ptys, not ptmx', async () => {
    const pts = await devFolder('0', '3', '12', 'ptmx');
    expect(await siblingPorts(join(pts, '3'))).toEqual([join(pts, '0'), join(pts, '12')]);
  });

  it('are none for a name without a number, a missing folder or a COM port', async () => {
    const dev = await devFolder('ttyUSB0');
    await mkdir(join(dev, 'by-id'));
    expect(await siblingPorts(join(dev, 'by-id', 'usb-FTDI_board'))).toEqual([]);
    expect(await siblingPorts(join(dev, 'gone', 'ttyUSB0'))).toEqual([]);
    expect(await siblingPorts('COM3')).toEqual([]);
  });
});

describe('port stamps', () => {
  it('change when a node is made anew, and leave out what does not exist', async () => {
    const dev = await devFolder('ttyUSB0', 'ttyUSB1');
    const [usb0, usb1] = [join(dev, 'ttyUSB0'), join(dev, 'ttyUSB1')];
    const before = await stampPorts([usb0, usb1, join(dev, 'ttyUSB7')]);
    expect([...before.keys()]).toEqual([usb0, usb1]);
    await rm(usb1);
    await new Promise((r) => setTimeout(r, 5));
    await writeFile(usb1, '');
    const after = await stampPorts([usb0, usb1]);
    expect(after.get(usb0)).toBe(before.get(usb0));
    expect(after.get(usb1)).not.toBe(before.get(usb1));
  });
});

describe('findBoard', () => {
  it('says what each port answered when none carries the board', async () => {
    const a = await setupBoard('tcp', { die: { serial: 'SN-A', dieId: 'DIE-A' } });
    const open = async (name: string) => {
      if (name !== 'a') throw new Error(`${name}: no such port`);
      return a.connect();
    };
    try {
      const e = await findBoard(['a', 'dead'], { serial: 'SN-C' }, open, systemClock).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(BoardNotFoundError);
      expect((e as BoardNotFoundError).answers).toEqual([
        { path: 'a', identity: objectContaining({ serial: 'SN-A', dieId: 'DIE-A' }) },
        { path: 'dead', error: 'dead: no such port' },
      ]);
    } finally {
      await a.close();
    }
  });
});
