// The simulated die's results are reproducible to the bit for a die seed, however they are
// evaluated: the hashes below were taken from the eager evaluation (every vector at RUN) that the
// lazy one replaced.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseDieConfig } from '../../drivers/sim/die-config';
import { SimFirmware } from '../../drivers/sim/firmware';
import { NoiseStream, RESULT_CHUNK, SimDie } from '../../drivers/sim/silicon';
import { createPrng } from '../../shared/workload/prng';
import { encodeInts, vectorFormat, weightFormat } from '../../shared/protocol/data-blocks';
import { encodeRequest } from '../../shared/protocol/frame';
import { FakeClock } from '../support/fake-clock';
import { DEFAULT_PROFILE } from '../../shared/model/profile';
import type { ResultBlock } from '../../shared/protocol/data-blocks';
import type { BoardRunConfig } from '../../shared/protocol/payloads';
import { generateWorkload } from '../../shared/workload/generators';

const workload = generateWorkload(DEFAULT_PROFILE, { kind: 'relu', vectors: 600, seed: 11 });
const base = { levels: DEFAULT_PROFILE.levels, thresholds: DEFAULT_PROFILE.thresholds, salientInputBits: 2 };
const CONFIGS: Record<string, BoardRunConfig> = {
  osa: { mode: 'osa', ...base },
  acim: { mode: 'acim', ...base },
  dcim: { mode: 'dcim', ...base },
  hcim: { mode: 'hcim', boundary: 6, skip: 2, ...base },
};

function digest(block: ResultBlock, report: unknown): string {
  const h = createHash('sha256');
  for (const a of [block.digital, block.saliency, block.level, block.codes]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  h.update(JSON.stringify(report));
  return h.digest('hex').slice(0, 16);
}

/** A sequence of runs on one die: each run's noise follows the one before. */
function sequence(seed: number): string[] {
  const die = new SimDie(parseDieConfig({ seed, adcNoise: 0.01 }));
  die.writeWeights(0, 256, workload.weights.data);
  const out: string[] = [];
  for (const [mode, count, total] of [
    ['osa', 600, 600],
    ['acim', 100, 250],
    ['hcim', 300, 300],
    ['dcim', 50, 50],
    ['osa', 200, 137],
    ['acim', 600, 600],
  ] as const) {
    const r = die.run(workload.vectors.data.subarray(0, count * 256), count, total, CONFIGS[mode]!);
    const { results, ...report } = r;
    out.push(`${mode}:${digest(results, report)}`);
  }
  return out;
}

/** What a host reads from a board: RUN reports and every RES? line, over the firmware. */
function overFirmware(seed: number): string {
  const clock = new FakeClock();
  const sent: string[] = [];
  const fw = new SimFirmware({ die: new SimDie(parseDieConfig({ seed, adcNoise: 0.01 })), clock, send: (l) => sent.push(l) });
  let seq = 0;
  const ask = (verb: string, args: (string | number)[]) => {
    fw.receive(encodeRequest(++seq % 65536, verb, args));
    clock.advance(100);
  };
  ask('WGT', [0, 256, 'B', encodeInts(workload.weights.data, weightFormat(8), 'B')]);
  for (let v = 0; v < 600; v += 20) ask('VEC', [v, 20, 'B', encodeInts(workload.vectors.data.subarray(v * 256, (v + 20) * 256), vectorFormat(8), 'B')]);
  for (const [batch, cfg, count, repeat] of [
    [1, 'MODE=osa', 600, 1],
    [2, 'MODE=acim', 500, 40],
    [3, 'MODE=hcim B=9 T=3', 300, 2],
  ] as const) {
    ask('CFG', cfg.split(' '));
    ask('RUN', [batch, 0, count, repeat]);
    for (let from = 0; from < count * repeat; from += 8) ask('RES?', [batch, from, Math.min(8, count * repeat - from)]);
  }
  expect(sent.filter((l) => / ERR /.test(l))).toEqual([]);
  return createHash('sha256').update(sent.join('\n')).digest('hex').slice(0, 16);
}

describe('the die noise stream', () => {
  it.each([
    [0, 102],
    [1, 102],
    [2 ** 40 + 7, 3],
  ])('is the project PRNG stream (seed %d, stream %d)', (seed, stream) => {
    const ours = NoiseStream.create(seed, stream);
    const theirs = createPrng(seed, stream);
    const a: number[] = [];
    const b: number[] = [];
    for (let k = 0; k < 300; k++) {
      a.push(ours.nextNormal(), ours.nextUint32(), ours.nextNormal(), ours.nextFloat());
      b.push(theirs.nextNormal(), theirs.nextUint32(), theirs.nextNormal(), theirs.nextFloat());
    }
    expect(a).toEqual(b);
  });

  it.each([0, 1, 2, 3, 127, 128, 129, 1000, 12_345, 100_001])('jumps over %d normal deviates as drawing them would, with or without a spare', (n) => {
    for (const spare of [false, true]) {
      const drawn = NoiseStream.create(9, 102);
      if (spare) drawn.nextNormal();
      const jumped = drawn.clone();
      for (let k = 0; k < n; k++) drawn.nextNormal();
      jumped.skipNormals(n);
      expect([jumped.nextNormal(), jumped.nextNormal(), jumped.nextNormal()]).toEqual([drawn.nextNormal(), drawn.nextNormal(), drawn.nextNormal()]);
    }
  });
});

/** A board on a fake clock with weights and `vectors` vectors (the workload's, over and over). */
function board(vectors: number, seed = 5) {
  const clock = new FakeClock();
  const sent: { at: number; line: string }[] = [];
  const die = new SimDie(parseDieConfig({ seed, adcNoise: 0.01 }));
  const fw = new SimFirmware({ die, clock, send: (line) => sent.push({ at: clock.now(), line }) });
  let seq = 0;
  const send = (verb: string, args: (string | number)[]) => fw.receive(encodeRequest(++seq % 65536, verb, args));
  send('WGT', [0, 256, 'B', encodeInts(workload.weights.data, weightFormat(8), 'B')]);
  for (let v = 0; v < vectors; v += 20) {
    const first = (v % 600) * 256;
    send('VEC', [v, 20, 'B', encodeInts(workload.vectors.data.subarray(first, first + 20 * 256), vectorFormat(8), 'B')]);
  }
  sent.length = 0;
  return { clock, die, sent, send };
}

describe('simulated die', () => {
  it('gives the same results, to the bit, as the eager evaluation did', () => {
    expect([sequence(3), sequence(8)]).toEqual([GOLDEN_3, GOLDEN_8]);
  });

  it('answers a 65,536-vector osa RUN at the end of its burst having evaluated no vector, and each RES? with at most the chunks it reads', () => {
    const { clock, die, sent, send } = board(65_536);
    send('CFG', ['MODE=osa']);
    const burstMs = (65_536 * 8) / 100 / 1000; // US = count x BX / CLK
    send('RUN', [1, 0, 65_536]);
    clock.advance(burstMs);
    expect(sent.at(-1)).toMatchObject({ at: burstMs });
    expect(sent.at(-1)?.line).toMatch(/^\d+ OK BATCH=1 N=65536 STATE=DONE US=5242\.880 /);
    expect(die.evaluatedVectors).toBe(0); // the die model's heavy part waits for RES?
    const perAnswer: number[] = [];
    for (const [from, count] of [
      [65_528, 8],
      [0, 8],
      [8, 8],
      [250, 10],
      [30_000, 1],
    ] as const) {
      const before = die.evaluatedVectors;
      send('RES?', [1, from, count]);
      expect(sent.at(-1)?.line).toMatch(new RegExp(`^\\d+ OK 1 ${from} ${count} B `));
      perAnswer.push(die.evaluatedVectors - before);
    }
    // the last chunk, the first, nothing new, the second (250..259 spans two), one more
    expect(perAnswer).toEqual([RESULT_CHUNK, RESULT_CHUNK, 0, RESULT_CHUNK, RESULT_CHUNK]);
  });

  it('gives the same results fetched in any order, and after the vector memory was overwritten', () => {
    const fetch = (order: 'forward' | 'backward', overwrite: boolean) => {
      const { clock, sent, send } = board(1000, 7);
      send('CFG', ['MODE=acim']);
      send('RUN', [4, 0, 1000, 3]);
      clock.advance(100);
      if (overwrite) send('VEC', [0, 1, 'D', '255,255,255']);
      const starts = Array.from({ length: 3000 / 8 }, (_, k) => k * 8);
      for (const from of order === 'forward' ? starts : starts.reverse()) send('RES?', [4, from, 8]);
      return sent
        .map((s) => s.line.replace(/^\d+ /, '').replace(/\*[0-9A-F]{8}$/, ''))
        .filter((l) => l.startsWith('OK 4 '))
        .sort();
    };
    const forward = fetch('forward', false);
    expect(forward).toHaveLength(375);
    expect(fetch('backward', false)).toEqual(forward);
    expect(fetch('forward', true)).toEqual(forward);
  });

  it('answers the same RUN reports and RES? lines, to the bit, as the eager evaluation did', () => {
    expect(overFirmware(5)).toBe('defe0658111d60d6');
  });
});

const GOLDEN_3 = ['osa:df875785acd002fe', 'acim:de210ff52c06167d', 'hcim:276619711e6c7d03', 'dcim:39e349ae6353707b', 'osa:ccbc54de4ceca97f', 'acim:9c4aa8cb8987811c'];
const GOLDEN_8 = ['osa:56af034fde6600e2', 'acim:696f6d55bf225541', 'hcim:ad13bed263110faa', 'dcim:8fee1f36a8ed6021', 'osa:acc97ee34ea432f6', 'acim:5d7308c3917e4bef'];
