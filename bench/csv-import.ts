// npm run bench -- csv-import: a vector set of about 64 MiB of CSV (the largest stimulus.import
// takes) parsed from its bytes by the byte scan, against the text parser the engine used before
// (the bytes decoded, split into lines and fields), in the same process, rounds interleaved; then
// the whole import as the API does it (base64 decoded, parsed, checked, hashed and kept), in a
// thread of its own and, as the baseline, in the engine's thread, with the longest the engine's
// event loop waited meanwhile (what a live run's documents would wait).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importMatrixHere, importMatrixInThread, MAX_IMPORT_BYTES, type ImportRequest } from '../engine/service/stimulus-import';
import type { DieProfile } from '../shared/model/profile';
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
  const req: ImportRequest = { kind: 'vectors', fileName: 'bench.csv', base64: Buffer.from(bytes).toString('base64') };
  const threaded: Imported[] = [];
  const here: Imported[] = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      threaded.push(await timedImport(importMatrixInThread, dir, req, profile));
      rmSync(dir, { recursive: true, force: true });
      here.push(await timedImport(importMatrixHere, dir, req, profile));
      rmSync(dir, { recursive: true, force: true });
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
    ['import in a thread (s)', median(threaded.map((i) => i.seconds)), 'base64 decoded, parsed, checked, sha256, written once; as stimulus.import does from 1 MiB'],
    ['  the engine thread held (ms)', median(threaded.map((i) => i.longestWaitMs)), 'the longest it went without turning: what a live run would wait'],
    ['import in the engine thread (s)', median(here.map((i) => i.seconds)), 'baseline'],
    ['  the engine thread held, baseline (ms)', median(here.map((i) => i.longestWaitMs)), ''],
  ]);
}

interface Imported {
  readonly seconds: number;
  readonly longestWaitMs: number;
}

/** One import, timed, with the longest the event loop went without turning meanwhile (a 5 ms timer's longest gap). */
async function timedImport(
  importer: (dir: string, req: ImportRequest, profile: DieProfile) => Promise<unknown>,
  dir: string,
  req: ImportRequest,
  profile: DieProfile,
): Promise<Imported> {
  let last = performance.now();
  let longestWaitMs = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    longestWaitMs = Math.max(longestWaitMs, now - last);
    last = now;
  }, 5);
  const t0 = performance.now();
  await importer(dir, req, profile);
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(tick);
  longestWaitMs = Math.max(longestWaitMs, performance.now() - last);
  return { seconds, longestWaitMs };
}
