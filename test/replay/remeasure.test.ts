// Re-measuring: a logged run's stimulus, weights and configuration fed to the simulated board
// through the Bench, as a new run linked to the old one over the same content-addressed stimulus.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../drivers/clock';
import { Bench } from '../../engine/service/bench';

const benches: Bench[] = [];
afterEach(async () => {
  await Promise.all(benches.splice(0).map((b) => b.close()));
});

function bench(): Bench {
  const b = new Bench({
    dbPath: join(mkdtempSync(join(tmpdir(), 'osa-remeasure-')), 'runs.db'),
    clock: systemClock,
    session: { operator: 'test', bench: 'ci', ambientC: null, notes: null },
    writer: 'inline',
    statusEveryMs: 0,
    telemetryMs: 0,
  });
  benches.push(b);
  return b;
}

describe('re-measuring', () => {
  it('measures the stimulus again on the simulated board: a new run, its parent the old one, the same vector set', async () => {
    const b = bench();
    const first = await b.startRun({ board: 'sim', workload: { kind: 'relu', vectors: 1000, seed: 5 }, mode: 'hcim', boundary: 9, skip: 1, batch: 250 });
    expect((await first.done).state).toBe('completed');
    const again = await b.remeasureRun(first.runId, { board: 'sim' });
    const summary = await again.done;
    expect(summary).toMatchObject({ state: 'completed', vectors: 1000 });
    const old = b.getRun(first.runId)!;
    const row = b.getRun(again.runId)!;
    expect(row).toMatchObject({
      kind: 'run',
      parentId: first.runId,
      label: `re-measure of run ${first.runId}`,
      vectorSet: old.vectorSet,
      weightSet: old.weightSet,
      mode: 'hcim',
      vectorsTotal: 1000,
    });
    expect(row.config).toMatchObject({ mode: 'hcim', boundary: 9, skip: 1, batchVectors: 250 });
    expect(row.provenance).toMatchObject({ stimulus: { generator: 'relu', seed: 5 } });
    // the same die, the same stimulus: the comparison lines both runs up block by block
    const c = await b.compareRuns(first.runId, again.runId);
    expect(c).toMatchObject({ vectors: 1000, segments: 4 });
    expect(c.levels.macs).toBe(8000);
  });

  it('refuses a run that is not there, logging nothing', async () => {
    const b = bench();
    await expect(b.remeasureRun(77, { board: 'sim' })).rejects.toThrow(/no run '77'/);
    expect(b.listRuns({})).toEqual([]);
  });
});
