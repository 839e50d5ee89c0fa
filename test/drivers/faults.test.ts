// The simulated link's faults: the spec parser, and per-byte corruption (a noisy wire).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoardClient } from '../../drivers/client/board-client';
import { FaultInjector, NO_FAULTS, parseFaultSpec, type FaultSpec } from '../../drivers/sim/faults';
import { parseDieConfig } from '../../drivers/sim/die-config';
import { SimBoard } from '../../drivers/sim/sim-board';
import { inProcessPair } from '../../drivers/transport/in-process';
import { FakeClock } from '../support/fake-clock';

const spec = (over: Partial<FaultSpec>): FaultSpec => ({ ...NO_FAULTS, ...over });

describe('fault specs', () => {
  it.each<[string, FaultSpec]>([
    ['', NO_FAULTS],
    ['corrupt-bytes=1e-4', spec({ corruptBytes: 1e-4 })],
    ['corrupt=0.2,drop=0.05', spec({ corrupt: 0.2, drop: 0.05 })],
    ['corrupt-bytes=0.5, corrupt=0.1, seed=4', spec({ corruptBytes: 0.5, corrupt: 0.1, seed: 4 })],
    ['corrupt-bytes=0', spec({ corruptBytes: 0 })],
    ['hang-after=3,corrupt-bytes=1', spec({ hangAfter: 3, corruptBytes: 1 })],
  ])('parses %j', (text, expected) => expect(parseFaultSpec(text)).toEqual(expected));

  it.each([
    ['drop=0.1,drop=0.2', /^faults: 'drop' is given twice/],
    ['corrupt-bytes=1e-5,seed=2,corrupt-bytes=1e-5', /'corrupt-bytes' is given twice/],
    ['seed=1, seed=1', /'seed' is given twice/],
    ['corrupt-bytes=1.5', /corrupt-bytes/],
    ['corrupt-bytes=-1e-5', /corrupt-bytes/],
    ['corrupt-bytes=lots', /corrupt-bytes/],
    ['corrupt-byte=1e-5', /unknown fault\(s\) corrupt-byte; known: corrupt, drop, corrupt-bytes/],
  ])('refuses %j', (text, message) => expect(() => parseFaultSpec(text)).toThrow(message));
});

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 0, maxLength: 300 });

describe('per-byte corruption', () => {
  it('keeps the length and the printable range, changes bytes only by replacing them, and leaves lines alone at rate 0', () => {
    fc.assert(
      fc.property(printable, fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(1000), (line, rate, seed) => {
        const out = new FaultInjector(spec({ corruptBytes: rate, seed })).pass(line) as string;
        expect(out).toHaveLength(line.length);
        expect(out).toMatch(/^[\x20-\x7e]*$/);
        if (rate === 0) expect(out).toBe(line);
      }),
    );
  });

  it('at rate 1 every byte is another one', () => {
    fc.assert(
      fc.property(printable, fc.nat(1000), (line, seed) => {
        const out = new FaultInjector(spec({ corruptBytes: 1, seed })).pass(line) as string;
        for (let i = 0; i < line.length; i++) expect(out[i]).not.toBe(line[i]);
      }),
    );
  });

  it.each([1e-2, 1e-3, 1e-4])('hits bytes at rate %s, independently of where they are in the line', (rate) => {
    const faults = new FaultInjector(spec({ corruptBytes: rate, seed: 5 }));
    const line = 'A'.repeat(4000);
    const byHalf = [0, 0];
    let lines = 0;
    const bytes = 4e6;
    for (let n = 0; n < bytes; n += line.length) {
      const out = faults.pass(line) as string;
      lines++;
      for (let i = 0; i < out.length; i++) if (out.charCodeAt(i) !== 0x41) (byHalf[i < 2000 ? 0 : 1] as number)++;
    }
    const hits = (byHalf[0] as number) + (byHalf[1] as number);
    const expected = rate * lines * line.length;
    // binomial: 5 standard deviations (deterministic for the seed; the bound says the rate is right)
    expect(Math.abs(hits - expected)).toBeLessThan(5 * Math.sqrt(expected));
    expect(Math.abs((byHalf[0] as number) - (byHalf[1] as number))).toBeLessThan(5 * Math.sqrt(expected));
  });

  it('applies in both directions: the board NAKs garbled requests, and the host sees garbled answers', async () => {
    const clock = new FakeClock();
    const board = new SimBoard({ die: parseDieConfig({}), clock, faults: parseFaultSpec('corrupt-bytes=0.004,seed=2') });
    const { host, board: end } = inProcessPair();
    board.attach(end);
    const client = new BoardClient(host, { clock, timeoutMs: 50 });
    let done = false;
    const work = (async () => {
      await client.connect();
      // CFG? lines are about 100 bytes each way: about a third are hit one way or the other
      await Promise.all(Array.from({ length: 60 }, () => client.readConfig()));
    })().finally(() => (done = true));
    while (!done) {
      await new Promise((r) => setImmediate(r));
      clock.advance(1);
    }
    await work;
    expect(client.stats.naks).toBeGreaterThan(0);
    expect(client.stats.corruptLines).toBeGreaterThan(0);
    await client.close();
    board.stop();
  });
});
