// osa-bench compare: a run against the model as text and as JSON, a run against a run, and the
// refusal of runs over other stimuli (exit code 2, the --with flag named).
import { beforeAll, describe, expect, it } from 'vitest';
import { runComparisonSchema, runsComparisonSchema } from '../../shared/api/compare';
import { cli } from '../cli/run-cli';
import { simRun, tempStore } from './fixtures';

let db = '';
const ids = { a: 0, b: 0, other: 0 };

beforeAll(async () => {
  const store = tempStore();
  db = store.path;
  ids.a = (await simRun(store, { vectors: 1000, batch: 250, seed: 1 })).runId;
  ids.b = (await simRun(store, { vectors: 1000, batch: 250, seed: 1, die: { seed: 9, dieId: 'OTHER-DIE' } })).runId;
  ids.other = (await simRun(store, { vectors: 1000, batch: 250, seed: 2 })).runId;
  store.close();
});

describe('osa-bench compare', () => {
  it('a run against the model: its figures, its columns, its findings', async () => {
    const r = await cli('compare', String(ids.a), '--db', db);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/SNR measured [\d.]+ dB, model [\d.]+ dB/);
    expect(r.stdout).toMatch(/mean code residual per ADC column/);
    expect(r.stdout).toMatch(/findings: none/);
    const j = await cli('compare', String(ids.a), '--db', db, '--json', '--scan-vectors', '500', '--outliers', '3');
    const c = runComparisonSchema.parse(JSON.parse(j.stdout));
    expect(c).toMatchObject({ kind: 'run', run: { runId: ids.a }, scan: { vectors: 500, blocks: 2 } });
    expect(c.outliers).toHaveLength(3);
  });

  it('a run against a run over the same stimulus', async () => {
    const r = await cli('compare', String(ids.a), '--with', String(ids.b), '--db', db, '--json');
    expect(r.code).toBe(0);
    const c = runsComparisonSchema.parse(JSON.parse(r.stdout));
    expect(c).toMatchObject({ vectors: 1000, segments: 4, b: { dieId: 'OTHER-DIE' } });
    const text = await cli('compare', String(ids.a), '--with', String(ids.b), '--db', db);
    expect(text.stdout).toMatch(/\(A\) against run .* \(B\): 1000 vectors aligned, 4 segments/);
  });

  it('refuses runs over other stimuli, naming --with', async () => {
    const r = await cli('compare', String(ids.a), '--with', String(ids.other), '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^osa-bench: --with: the stimuli differ: run \d+ measured vector set sha256:\w+, run \d+ vector set sha256:\w+/);
    expect(await cli('compare', '77', '--db', db)).toMatchObject({ code: 2, stderr: expect.stringMatching(/no run '77'/) as unknown });
  });
});
