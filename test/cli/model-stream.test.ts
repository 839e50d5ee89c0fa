import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { formatMacRecords } from '../../cli/commands/model';
import { openVectorFile, readVectorFile, writeMatrixFile } from '../../engine/files/matrix-files';
import { formatMacCsv, formatMacJsonl } from '../../shared/io/mac-records';
import { createDieModel } from '../../shared/model/evaluator';
import type { ModeConfig } from '../../shared/model/modes';
import { intMatrix, matrixFromRows, type IntMatrix } from '../../shared/model/matrix';
import { DEFAULT_PROFILE, parseDieProfile } from '../../shared/model/profile';
import { generateWorkload } from '../../shared/workload/generators';
import { modeArb, profileArb, vectorsArb, weightsArb } from '../model/arbitraries';
import { npyBytes } from '../io/npy-fixtures';
import { cli } from './run-cli';

const dir = mkdtempSync(join(tmpdir(), 'osa-model-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function chunksOf(path: string, chunkVectors: number): Promise<number[]> {
  const set = await openVectorFile(path, DEFAULT_PROFILE, chunkVectors);
  const seen: number[] = [];
  await set.forEach((first, chunk) => {
    expect(first).toBe(seen.length / set.cols);
    seen.push(...chunk.data);
  });
  return seen;
}

describe('openVectorFile', () => {
  const w = generateWorkload(DEFAULT_PROFILE, { kind: 'relu', vectors: 37, seed: 3 });
  const npy = join(dir, 'x.npy');
  const csv = join(dir, 'x.csv');

  it('visits, chunk by chunk, exactly the vectors readVectorFile reads (.npy and .csv)', async () => {
    await writeMatrixFile(npy, w.vectors);
    await writeMatrixFile(csv, w.vectors);
    const whole = Array.from((await readVectorFile(npy, DEFAULT_PROFILE)).data);
    for (const chunkVectors of [1, 5, 36, 37, 4096]) {
      expect(await chunksOf(npy, chunkVectors)).toEqual(whole);
      expect(await chunksOf(csv, chunkVectors)).toEqual(whole);
    }
  });

  it('reads other dtypes and Fortran order too', async () => {
    const path = join(dir, 'u1f.npy');
    const rows = [Array.from({ length: 256 }, (_, r) => r), Array.from({ length: 256 }, (_, r) => 255 - r)];
    const fileOrder = Array.from({ length: 512 }, (_, k) => rows[k % 2]![Math.floor(k / 2)]!);
    writeFileSync(path, npyBytes({ descr: '|u1', shape: [2, 256], values: fileOrder, fortran: true }));
    expect(await chunksOf(path, 1)).toEqual(rows.flat());
    writeFileSync(path, npyBytes({ descr: '<i2', shape: [2, 256], values: rows.flat() }));
    expect(await chunksOf(path, 1)).toEqual(rows.flat());
  });

  it('names the element of the whole file when a later chunk holds a bad input', async () => {
    const bad = intMatrix(w.vectors.rows, 256, w.vectors.data.slice());
    bad.data[30 * 256 + 7] = 256;
    const path = join(dir, 'bad.npy');
    await writeMatrixFile(path, bad);
    await expect(chunksOf(path, 4)).rejects.toThrow(`${path}: element [30, 7]: input 256 is outside 0..255`);
  });

  it('refuses a wrong shape or a cut file before reading any vector', async () => {
    const path = join(dir, 'shape.npy');
    writeFileSync(path, npyBytes({ descr: '<i4', shape: [2, 3], values: [1, 2, 3, 4, 5, 6] }));
    await expect(openVectorFile(path, DEFAULT_PROFILE)).rejects.toThrow('vectors have 3 inputs per row, expected 256 (N)');
    const cut = npyBytes({ descr: '<i4', shape: [2, 256], values: Array.from({ length: 512 }, () => 1) });
    writeFileSync(path, cut.subarray(0, cut.length - 8));
    await expect(openVectorFile(path, DEFAULT_PROFILE)).rejects.toThrow(`${path}: element [1, 254]: truncated: the file holds 510 of 512 elements`);
    await expect(openVectorFile(join(dir, 'none.npy'), DEFAULT_PROFILE)).rejects.toThrow('no such file');
  });
});

describe('model commands on a streamed vector file', () => {
  const w = generateWorkload(DEFAULT_PROFILE, { kind: 'relu', vectors: 5000, seed: 2 });
  const weights = join(dir, 'w.csv');
  const npy = join(dir, 'v.npy');
  const csv = join(dir, 'v.csv');

  it("summary gives the same figures and hashes from .npy as from .csv, and the generator's hash", async () => {
    await writeMatrixFile(weights, w.weights);
    await writeMatrixFile(npy, w.vectors);
    await writeMatrixFile(csv, w.vectors);
    const a = await cli('model', 'summary', '--weights', weights, '--vectors', npy, '--mode', 'osa');
    const b = await cli('model', 'summary', '--weights', weights, '--vectors', csv, '--mode', 'osa');
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const s = JSON.parse(a.stdout) as { vectors: number; vectorsHash: string; weightsHash: string };
    expect([s.vectors, s.vectorsHash, s.weightsHash]).toEqual([5000, w.vectorsHash, w.weightsHash]);
  });

  it('eval writes nothing when the last vector is bad (every vector is checked first)', async () => {
    const bad = intMatrix(w.vectors.rows, 256, w.vectors.data.slice());
    bad.data[bad.data.length - 1] = -1;
    const path = join(dir, 'late-bad.npy');
    await writeMatrixFile(path, bad);
    const r = await cli('model', 'eval', '--weights', weights, '--vectors', path, '--mode', 'osa', '--format', 'csv');
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toContain('element [4999, 255]: input -1 is outside 0..255');
  });
});

describe('formatMacRecords', () => {
  const check = (profile: typeof DEFAULT_PROFILE, weights: IntMatrix, vectors: IntMatrix, config: ModeConfig, codes: boolean, first: number) => {
    const batch = createDieModel(profile, weights).evaluate(vectors, config, { codes });
    expect(formatMacRecords(batch, first, 'csv')).toBe(formatMacCsv(batch, first));
    expect(formatMacRecords(batch, first, 'jsonl')).toBe(formatMacJsonl(batch, first));
  };

  it('writes exactly what formatMacCsv and formatMacJsonl write, for any profile, mode and codes', () => {
    fc.assert(
      fc.property(
        profileArb.chain((p) => fc.tuple(fc.constant(p), weightsArb(p), vectorsArb(p, 6), modeArb(p), fc.boolean(), fc.nat(1e9))),
        ([p, weights, vectors, config, codes, first]) => check(p, matrixFromRows(weights), matrixFromRows(vectors), config, codes, first),
      ),
      { numRuns: 60 },
    );
  });

  it('prints integers beyond 32 bits as they are (a large profile)', () => {
    const p = parseDieProfile({ rows: 4096, outputs: 1, inputBits: 16, weightBits: 16, levels: [{ boundary: 20, skip: 0 }], thresholds: [] });
    const weights = intMatrix(4096, 1, new Int32Array(4096).fill(-32768));
    const vectors = intMatrix(1, 4096, new Int32Array(4096).fill(65535));
    check(p, weights, vectors, { mode: 'dcim' }, false, 0);
    const batch = createDieModel(p, weights).evaluate(vectors, { mode: 'dcim' });
    expect(formatMacRecords(batch, 0, 'csv')).toContain(`,${4096 * 65535 * -32768},`);
  });
});
