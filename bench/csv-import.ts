// npm run bench -- csv-import: a vector set of about 64 MiB of CSV (the largest stimulus.import
// takes) parsed from its bytes by the byte scan, against the text parser the engine used before
// (the bytes decoded, split into lines and fields), in the same process, rounds interleaved; then
// the whole import as the API does it (base64 decoded, parsed, checked, hashed and kept), which
// holds the engine's thread for its duration.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importMatrix, MAX_IMPORT_BYTES } from '../engine/service/stimulus-import';
import { formatIntCsv, parseIntCsv, parseIntCsvBytes } from '../shared/io/csv';
import { DEFAULT_PROFILE } from '../shared/model/profile';
import { generateWorkload } from '../shared/workload/generators';
import { median, report, timeIt } from './report';

const ROUNDS = 3;

export async function benchCsvImport(): Promise<void> {
  const profile = DEFAULT_PROFILE;
  // uniform inputs 0..255 on the default profile's rows: about 3.6 bytes a value
  const perVector = profile.rows * 3.6;
  const vectors = Math.floor((MAX_IMPORT_BYTES * 0.95) / perVector);
  const { vectors: set } = generateWorkload(profile, { kind: 'uniform', vectors, seed: 1 });
  const bytes = new TextEncoder().encode(formatIntCsv(set, 'x0..x255'));
  const mib = bytes.length / 2 ** 20;
  const text: number[] = [];
  const scan: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    text.push(timeIt(() => parseIntCsv(new TextDecoder().decode(bytes), 'bench.csv')));
    scan.push(timeIt(() => parseIntCsvBytes(bytes, 'bench.csv', () => new TextDecoder().decode(bytes))));
  }
  const dir = mkdtempSync(join(tmpdir(), 'osa-bench-csv-'));
  const base64 = Buffer.from(bytes).toString('base64');
  const whole: number[] = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = performance.now();
      await importMatrix(dir, { kind: 'vectors', fileName: 'bench.csv', base64 }, profile);
      whole.push((performance.now() - t0) / 1000);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const t = median(text);
  const s = median(scan);
  report('csv-import', [
    ['CSV size (MiB)', mib, `${vectors.toLocaleString('en-US')} vectors of ${profile.rows} inputs`],
    ['text parser (s)', t, `baseline: decode, split, regex per field; ${(mib / t).toFixed(1)} MiB/s`],
    ['byte scan (s)', s, `${(mib / s).toFixed(1)} MiB/s; ${(t / s).toFixed(1)} x the text parser`],
    ['stimulus.import, whole (s)', median(whole), 'base64 decoded, parsed, checked, sha256, written once'],
  ]);
}
