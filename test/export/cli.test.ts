// osa-bench export and report on the command line: they write what they say, and refuse bad
// input with exit 2 and one line that names the argument, the flag or the file at fault.
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../cli/run-cli';
import { duckdb, openBench, query, simulatedRun, tempDir } from './support';

const dir = tempDir('osa-export-cli-');
const db = join(dir, 'runs.db');
const out = join(dir, 'out');
mkdirSync(out);
let runId: number;
let parentId: number;

beforeAll(async () => {
  const bench = openBench(db);
  ({ runId } = await simulatedRun(bench, { workload: { kind: 'relu', vectors: 300, seed: 4 } }));
  parentId = bench.store.createRun({ kind: 'osa-points', mode: 'sweep', config: {}, provenance: {}, vectorSet: null, weightSet: null, vectorsTotal: 0, repeat: 1 }).id;
  await bench.close();
});
afterAll(() => {
  // nothing half-written is left beside the outputs
  expect(readdirSync(out).filter((f) => f.includes('.partial'))).toEqual([]);
});

describe('osa-bench export and report', () => {
  it('export writes the file its --format names and says what it wrote', async () => {
    const file = join(out, 'run.parquet');
    const r = await cli('export', String(runId), '--format', 'parquet', '--out', file, '--db', db);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^wrote ${file}: parquet, 2400 rows \\(MACs\\) of 1 run in \\d+ blocks, [\\d.]+ MB\\n$`));
    const c = await duckdb();
    expect((await query(c, `SELECT count(*), count(DISTINCT vector) FROM read_parquet('${file}')`)).rows).toEqual([[2400, 300]]);
  });

  it('export takes the format from the name of --out, and --json prints what it wrote', async () => {
    const file = join(out, 'run.csv');
    const r = await cli('export', String(runId), '--out', file, '--db', db, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'csv', rows: 2400, runs: 1, file });
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(2400 + 2);
  });

  it('report writes one HTML file', async () => {
    const file = join(out, 'run.html');
    const r = await cli('report', String(runId), '--out', file, '--db', db);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^wrote ${file}: the report of run ${runId}, \\d+ kB\\n$`));
    expect(readFileSync(file, 'utf8')).toMatch(/^<!doctype html>/);
  });

  it.each([
    ['a run that does not exist', () => ['export', '999', '--format', 'csv', '--out', join(out, 'a.csv'), '--db', db], `no run '999' in ${db}`],
    ['a GUID prefix of no run', () => ['export', 'abcdef12', '--out', join(out, 'a.csv'), '--db', db], "no run 'abcdef12'"],
    [
      'a procedure with no measured step',
      () => ['export', String(parentId), '--out', join(out, 'a.csv'), '--db', db],
      "it is a procedure's parent (osa-points) with no measured step",
    ],
    [
      'an unknown format',
      () => ['export', String(runId), '--format', 'xlsx', '--out', join(out, 'a.xlsx'), '--db', db],
      "argument 'xlsx' is invalid. expected one of csv, json, parquet",
    ],
    ['no format, and a name that says none', () => ['export', String(runId), '--out', join(out, 'a.dat'), '--db', db], '--format: not given, and the name'],
    ['no --out', () => ['export', String(runId), '--format', 'csv', '--db', db], "required option '--out <file>' not specified"],
    [
      '--out in a folder that does not exist',
      () => ['export', String(runId), '--out', join(out, 'nope', 'a.csv'), '--db', db],
      `--out: cannot write ${join(out, 'nope', 'a.csv')}: the folder ${join(out, 'nope')} does not exist`,
    ],
    ['--out a folder', () => ['export', String(runId), '--format', 'json', '--out', out, '--db', db], `--out: ${out} is a folder`],
    ['--out under a file', () => ['export', String(runId), '--out', join(db, 'a.csv'), '--db', db], `--out: cannot write ${join(db, 'a.csv')}: ${db} is not a folder`],
    [
      '--db a store that does not exist',
      () => ['export', String(runId), '--out', join(out, 'a.csv'), '--db', join(dir, 'none.db')],
      `--db: no store at ${join(dir, 'none.db')}`,
    ],
    ['report of a run that does not exist', () => ['report', '999', '--out', join(out, 'a.html'), '--db', db], "no run '999'"],
    ['report with no --out', () => ['report', String(runId), '--db', db], "required option '--out <file>' not specified"],
    ['report --out in a folder that does not exist', () => ['report', String(runId), '--out', join(out, 'nope', 'a.html'), '--db', db], '--out: cannot write'],
  ])('refuses %s: exit 2, naming it', async (_, args, message) => {
    const before = readdirSync(out).sort();
    const r = await cli(...args());
    expect(r.stderr).toContain(message);
    expect(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('osa-bench:') || l.startsWith('error:')),
    ).toHaveLength(1);
    expect(r.code).toBe(2);
    expect(readdirSync(out).sort()).toEqual(before);
    expect(existsSync(join(dir, 'none.db'))).toBe(false);
  });
});
