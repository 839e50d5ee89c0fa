// osa-bench replay: documents as JSON lines at full speed, re-score, re-measure and re-decode from
// the command line; options that do not go together are refused with exit code 2.
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openRunStore } from '../../engine/store/store';
import { runDocumentSchema } from '../../shared/api/documents';
import { cli } from '../cli/run-cli';
import { simRun, tempStore } from '../compare/fixtures';

let db = '';
let runId = 0;

beforeAll(async () => {
  const store = tempStore();
  db = store.path;
  runId = (await simRun(store, { vectors: 800, batch: 200, seed: 3, logWire: true })).runId;
  store.close();
});

describe('osa-bench replay', () => {
  it('plays a run back as fast as possible, a document a line, then its summary', async () => {
    const r = await cli('replay', String(runId), '--db', db, '--speed', 'max', '--json');
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const docs = lines.slice(0, -1);
    for (const d of docs) expect(runDocumentSchema.safeParse(d).success).toBe(true);
    expect(docs.filter((d) => d.type !== 'status').map((d) => d.type)).toEqual(['start', 'descriptor', 'batch', 'batch', 'batch', 'batch', 'stop']);
    expect(docs.find((d) => d.type === 'batch')).not.toHaveProperty('data');
    expect(lines.at(-1)).toMatchObject({ type: 'replay', runId, state: 'completed', batches: 4, vectors: 800 });
    const text = await cli('replay', String(runId), '--db', db, '--speed', 'max', '--from-vector', '650');
    expect(text.stdout).toMatch(/replay of run \d+ \(.+\) completed: 1 batches, 200 vectors, as fast as possible/);
  });

  it('re-scores a run with a profile file: a derived run, linked, its summary printed', async () => {
    const profile = join(dirname(db), 'thresholds.json');
    writeFileSync(profile, JSON.stringify({ thresholds: [-40000, -28000, -16000] }));
    const r = await cli('replay', String(runId), '--db', db, '--rescore', '--profile', profile, '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/osa-bench:/);
    const summary = JSON.parse(r.stdout) as { id: number; state: string; vectors: number };
    expect(summary).toMatchObject({ state: 'completed', vectors: 800 });
    const { store } = openRunStore(db);
    try {
      expect(store.getRun(summary.id)).toMatchObject({ kind: 'rescore', parentId: runId, config: { profile: { thresholds: [-40000, -28000, -16000] } } });
    } finally {
      store.close();
    }
  });

  it('re-measures a run on the simulated board', async () => {
    const r = await cli('replay', String(runId), '--db', db, '--remeasure', '--board', 'sim', '--label', 'again', '--json');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { id: number };
    const { store } = openRunStore(db);
    try {
      const again = store.getRun(summary.id)!;
      expect(again).toMatchObject({ kind: 'run', parentId: runId, label: 'again', state: 'completed', vectorSet: store.getRun(runId)!.vectorSet });
    } finally {
      store.close();
    }
  });

  it('re-decodes a run: every block equal', async () => {
    const r = await cli('replay', String(runId), '--db', db, '--redecode');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/4 blocks decoded again from the wire log: 4 equal, 0 differing, 0 without a wire log, 0 undecodable/);
  });

  it('refuses options that do not go together, and a run that is not there', async () => {
    expect(await cli('replay', String(runId), '--db', db, '--rescore', '--redecode')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/give one of --rescore, --remeasure and --redecode/) as unknown,
    });
    expect(await cli('replay', String(runId), '--db', db, '--mode', 'dcim')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--mode.*go with --rescore/) as unknown,
    });
    expect(await cli('replay', String(runId), '--db', db, '--remeasure')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--board: required with --remeasure/) as unknown,
    });
    expect(await cli('replay', String(runId), '--db', db, '--speed', '0')).toMatchObject({ code: 2 });
    expect(await cli('replay', '4242', '--db', db, '--speed', 'max')).toMatchObject({ code: 2, stderr: expect.stringMatching(/no run '4242'/) as unknown });
    expect(await cli('replay', String(runId), '--db', db, '--rescore', '--mode', 'hcim')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^osa-bench: --boundary/) as unknown,
    });
  });
});
