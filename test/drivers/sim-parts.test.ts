import { describe, expect, it } from 'vitest';
import { parseBoardAddress } from '../../drivers/board-address';
import { BoardClient } from '../../drivers/client/board-client';
import { BoardUnresponsiveError, IncompatibleBoardError, QueueFullError } from '../../drivers/client/errors';
import { systemClock } from '../../drivers/clock';
import { DiscoveryError, findBoard, listSerialPorts } from '../../drivers/discovery';
import { loadDieConfig, parseDieConfig } from '../../drivers/sim/die-config';
import { parseFaultSpec } from '../../drivers/sim/faults';
import { PacedWire } from '../../drivers/sim/link';
import { SimDie } from '../../drivers/sim/silicon';
import { inProcessPair } from '../../drivers/transport/in-process';
import { encodeOk, parseRequestLine } from '../../shared/protocol/frame';
import { FakeClock, turn } from '../support/fake-clock';
import { setupBoard } from './board-fixtures';

describe('board addresses', () => {
  it.each([
    ['sim', { kind: 'sim' }],
    ['/dev/ttyUSB0', { kind: 'serial', path: '/dev/ttyUSB0' }],
    ['COM3', { kind: 'serial', path: 'COM3' }],
    ['tcp://127.0.0.1:4001', { kind: 'tcp', host: '127.0.0.1', port: 4001 }],
    ['tcp://[::1]:4001', { kind: 'tcp', host: '::1', port: 4001 }],
  ])('%s', (text, address) => expect(parseBoardAddress(text)).toEqual(address));

  it.each([
    ['tcp://host', /not HOST:PORT/],
    ['tcp://host:0', /port in 1..65535/],
    ['ttyUSB0', /not a board address/],
  ])('refuses %s', (text, message) => expect(() => parseBoardAddress(text)).toThrow(message));
});

describe('fault specs', () => {
  it('parses every fault', () => {
    expect(parseFaultSpec('corrupt=0.01, drop=0.02,hang-after=5,disconnect-after=6,reboot-after=7,seed=9')).toEqual({
      corrupt: 0.01,
      drop: 0.02,
      hangAfter: 5,
      disconnectAfter: 6,
      rebootAfter: 7,
      seed: 9,
    });
  });
  it.each([
    ['corrupt=2', /corrupt/],
    ['explode=1', /explode/],
    ['drop', /'drop' is not key=value/],
    ['hang-after=-1', /hang-after/],
  ])('refuses %s', (text, message) => expect(() => parseFaultSpec(text)).toThrow(message));
});

describe('die configurations', () => {
  it.each(['typical', 'noisy', 'stuck-cells'])('the sample die %s loads', async (name) => {
    const die = await loadDieConfig(new URL(`../../drivers/sim/dies/${name}.json`, import.meta.url).pathname);
    expect(die.profile.rows).toBe(256);
  });

  it('a stuck cell holds its value whatever is written, and shows on readback', () => {
    const die = new SimDie(
      parseDieConfig({
        stuckCells: [
          { row: 2, column: 9, value: 1 },
          { row: 3, column: 7, value: 0 },
        ],
      }),
    );
    // column 9 = output 1, bit 1; column 7 = output 0, bit 7 (the sign bit)
    die.writeWeights(0, 256, new Int32Array(256 * 8).fill(-1));
    const back = die.readWeights(0, 256);
    expect(back[3 * 8 + 0]).toBe(127); // -1 with the sign bit stuck at 0
    expect(back.filter((w) => w !== -1)).toHaveLength(1);
    die.writeWeights(0, 256, new Int32Array(256 * 8));
    expect(die.readWeights(2, 1)[1]).toBe(2); // 0 with bit 1 stuck at 1
  });

  it.each([
    [{ adcNoise: 2 }, /adcNoise/],
    [{ stuckCells: [{ row: 300, column: 0, value: 1 }] }, /\(row 300, column 0\) is outside 256 rows x 64 columns/],
    [{ profile: { rows: 0 } }, /die.json \(profile\): invalid die profile:\n {2}rows: must be >= 1/],
    [{ dieId: 'has space' }, /dieId/],
    [{ colour: 'red' }, /colour/],
  ])('refuses %j, naming the field', (value, message) => {
    expect(() => parseDieConfig(value, 'die.json')).toThrow(message);
  });

  it('the same seed gives the same die, another seed another one', () => {
    const run = (seed: number) => {
      const die = new SimDie(parseDieConfig({ seed }));
      die.writeWeights(
        0,
        256,
        Int32Array.from({ length: 2048 }, (_, k) => (k % 7) - 3),
      );
      const r = die.run(
        Int32Array.from({ length: 256 }, (_, k) => k % 256),
        1,
        1,
        { mode: 'acim', levels: [{ boundary: 11, skip: 4 }], thresholds: [], salientInputBits: 0 },
      );
      return Array.from(r.results.codes);
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });
});

describe('link pacing', () => {
  it('delivers each line when its last byte has crossed at 10 bits per byte, plus latency', () => {
    const clock = new FakeClock();
    const got: [string, number][] = [];
    const wire = new PacedWire({ baud: 10_000, latencyMs: 2 }, clock, (l) => got.push([l, clock.now()]));
    wire.push('x'.repeat(9)); // 10 bytes with LF = 100 bits = 10 ms
    wire.push('y'.repeat(4)); // 5 bytes = 5 ms, after the first
    clock.advance(11);
    expect(got).toEqual([]);
    clock.advance(1);
    expect(got).toEqual([['xxxxxxxxx', 12]]);
    clock.advance(5);
    expect(got[1]).toEqual(['yyyy', 17]);
    expect(wire.stats).toEqual({ lines: 2, bytes: 15, busyMs: 15 });
  });
});

describe('protocol versions', () => {
  it('refuses a board of another protocol version, saying what to update', async () => {
    const { host, board } = inProcessPair();
    board.onLine((line) => {
      const r = parseRequestLine(line);
      if (r.ok) board.send(encodeOk(r.value.seq, ['OSA,SN-9,0.9.0,abc,DIE-1,2']));
    });
    const client = new BoardClient(host, { clock: systemClock });
    await expect(client.connect()).rejects.toThrow(IncompatibleBoardError);
    await expect(client.connect()).rejects.toThrow(/speaks protocol version 2, this app speaks 1: update the app/);
    await client.close();
  });
});

describe('request pipe', () => {
  /** A board that answers every request `answerMs` after it arrives, on the given clock. */
  const slowBoard = (clock: FakeClock, answerMs: number | null) => {
    const { host, board } = inProcessPair();
    board.onLine((line) => {
      const r = parseRequestLine(line);
      if (r.ok && answerMs !== null) clock.setTimeout(() => board.send(encodeOk(r.value.seq, ['PONG'])), answerMs);
    });
    return new BoardClient(host, { clock, timeoutMs: 500, retries: 3 });
  };

  it('does not take a host that stood still past the deadline for a silent board', async () => {
    const clock = new FakeClock();
    const client = slowBoard(clock, 300);
    const pong = client.ping();
    await turn(); // the request reaches the board
    clock.stall(2000); // the answer (due at 300 ms) and the watchdog (due at 500 ms) both fire late
    await pong;
    expect(client.stats).toMatchObject({ timeouts: 0, resent: 0, hostStalls: 1 });
    await client.close();
  });

  it('still finds a board that hangs on a host that keeps stalling', async () => {
    const clock = new FakeClock();
    const client = slowBoard(clock, null);
    const pong = client.ping().catch((e: unknown) => e);
    await turn();
    for (let i = 0; i < 8; i++) {
      clock.stall(2000);
      await turn();
    }
    expect(await pong).toBeInstanceOf(BoardUnresponsiveError);
    expect(client.stats.hostStalls).toBe(3);
    expect(client.stats.timeouts).toBe(4);
  });

  it('is bounded: past the limit a request fails at once instead of queueing behind a slow board', async () => {
    const { host } = inProcessPair(); // nothing answers at the other end
    const client = new BoardClient(host, { clock: systemClock, maxQueued: 5, timeoutMs: 10_000 });
    const pending = Array.from({ length: 6 }, () => client.ping().catch((e: unknown) => e)); // 1 in flight, 5 waiting
    await expect(client.ping()).rejects.toBeInstanceOf(QueueFullError);
    await client.close();
    expect((await Promise.all(pending)).every((e) => e instanceof Error)).toBe(true);
  });
});

describe('discovery', () => {
  it('says plainly when udevadm is missing', async () => {
    await expect(listSerialPorts(() => Promise.reject(new Error('spawn udevadm ENOENT')))).rejects.toThrow(/udevadm is missing \(install the Debian package udev\)/);
  });

  it('lists what the OS reports', async () => {
    const ports = await listSerialPorts(() =>
      Promise.resolve([{ path: '/dev/ttyUSB0', manufacturer: 'FTDI', serialNumber: 'A1', vendorId: '0403', productId: '6010' }]),
    );
    expect(ports).toEqual([{ path: '/dev/ttyUSB0', manufacturer: 'FTDI', serialNumber: 'A1', vendorId: '0403', productId: '6010' }]);
  });

  it('finds a board by identity among ports, passing over other boards and dead ports', async () => {
    const a = await setupBoard('tcp', { die: { serial: 'SN-A', dieId: 'DIE-A' } });
    const b = await setupBoard('tcp', { die: { serial: 'SN-B', dieId: 'DIE-B' } });
    const links = new Map([
      ['a', a],
      ['b', b],
    ]);
    const open = async (name: string) => {
      const s = links.get(name);
      if (!s) throw new Error(`${name}: no such port`);
      return s.connect();
    };
    try {
      const found = await findBoard(['dead', 'a', 'b'], { dieId: 'DIE-B' }, open, systemClock);
      expect(found.path).toBe('b');
      expect(found.client.identity.serial).toBe('SN-B');
      await found.client.close();
      await expect(findBoard(['a', 'b'], { serial: 'SN-C' }, open, systemClock)).rejects.toThrow(DiscoveryError);
      await expect(findBoard(['a'], { serial: 'SN-C' }, open, systemClock)).rejects.toThrow(/no board with serial SN-C among 1 port\(s\):\n {2}a: SN-A\/DIE-A/);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
