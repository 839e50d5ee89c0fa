// Each block's live sample in the store (schema 6): a run's batch documents carry it and the run's
// residual histograms so far, and read back the same; a run taken up again goes on counting from
// its committed blocks; blocks logged before schema 6 read back without them, and an unreadable
// sample is left out rather than failing the read-back.
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../drivers/clock';
import { parseDieConfig } from '../../drivers/sim/die-config';
import { parseFaultSpec } from '../../drivers/sim/faults';
import { simBoardLink } from '../../engine/board/board-link';
import { executeRun } from '../../engine/run/run-engine';
import { resumeRun } from '../../engine/run/resume-run';
import { loadMigrations, schemaVersion } from '../../engine/store/migrate';
import { readRunDocuments } from '../../engine/store/run-documents';
import { openRunStore } from '../../engine/store/store';
import type { BatchDocument, RunDocument } from '../../shared/api/documents';
import { DEFAULT_PROFILE } from '../../shared/model/profile';
import { generateWorkload } from '../../shared/workload/generators';
import { matrixSource } from '../../shared/workload/vector-source';
import { VirtualClock } from '../support/virtual-clock';

const workload = generateWorkload(DEFAULT_PROFILE, { kind: 'relu', vectors: 1200, seed: 4 });
const request = {
  profile: DEFAULT_PROFILE,
  config: { mode: 'osa' as const },
  weights: workload.weights,
  vectors: matrixSource(workload.vectors),
  source: { generator: 'relu', seed: 4 },
  batchVectors: 200,
};
const dbPath = () => join(mkdtempSync(join(tmpdir(), 'osa-sample-')), 'runs.db');
const batchesOf = (docs: Iterable<RunDocument>) => [...docs].filter((d): d is BatchDocument => d.type === 'batch');
const sum = (a: readonly number[]) => a.reduce((x, y) => x + y, 0);
/** a batch document's fields, without the arrays a read-back of summaries leaves out */
const fields = (d: BatchDocument) => ({ ...d, data: undefined, seq: 0 });

describe('the live sample in the store', () => {
  it('goes on counting when an interrupted run is taken up again; live and read back agree', async () => {
    const path = dbPath();
    const { store } = openRunStore(path);
    const clock = new VirtualClock();
    const live: BatchDocument[] = [];
    const emit = (d: unknown) => (d as RunDocument).type === 'batch' && live.push(d as BatchDocument);
    const first = await executeRun(request, {
      store,
      board: simBoardLink({ die: parseDieConfig({}), clock, faults: parseFaultSpec('hang-after=100') }),
      clock,
      emit,
      resumeWithinMs: 0,
    });
    clock.stop();
    expect(first.state).toBe('interrupted');
    const before = live.length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(6);
    const again = await resumeRun(first.runId, { store, board: simBoardLink({ die: parseDieConfig({}), clock: systemClock }), clock: systemClock, emit });
    expect(again.state).toBe('completed');
    expect(live).toHaveLength(6);
    // the first batch after the take-up counts the blocks committed before it
    const conversions = live.map((d) => d.figures.codeResidualCount);
    live.forEach((d, i) => {
      expect(sum(d.residuals?.codeResidual ?? [])).toBe(sum(conversions.slice(0, i + 1)));
      expect(sum(d.residuals?.yhatError ?? [])).toBe(200 * 8 * (i + 1));
    });
    expect(batchesOf(readRunDocuments(store, first.runId)).map(fields)).toEqual(live.map(fields));
    store.close();
  });

  it('reads blocks logged before schema 6 without a sample, and leaves out one it cannot read', async () => {
    const path = dbPath();
    const { store } = openRunStore(path);
    const s = await executeRun(request, { store, board: simBoardLink({ die: parseDieConfig({}), clock: systemClock }), clock: systemClock });
    const withSamples = batchesOf(readRunDocuments(store, s.runId, { withData: true }));
    expect(withSamples.every((d) => d.sample && d.residuals)).toBe(true);
    // overviews (runs show, export, compare) do not parse the samples; the documents ask for them
    expect(store.blockSummaries(s.runId).every((b) => b.summary.sample === undefined)).toBe(true);
    expect([...store.blocks(s.runId)].every((b) => b.summary.sample === undefined)).toBe(true);
    expect(store.blockSummaries(s.runId, { samples: true }).map((b) => b.summary.sample)).toEqual(withSamples.map((d) => d.sample));
    store.close();

    // the same store as schema 5 had it: no sample column
    const old = new Database(path);
    // (schema 7's summary index holds the column: it goes too, and is made again)
    old.exec(`DROP INDEX result_blocks_summary; ALTER TABLE result_blocks DROP COLUMN sample_json; PRAGMA user_version = 5`);
    old.close();
    const reopened = openRunStore(path).store;
    expect(schemaVersion(reopened.db)).toBe(loadMigrations().length);
    const back = batchesOf(readRunDocuments(reopened, s.runId, { withData: true }));
    expect(back).toEqual(withSamples.map(({ sample: _s, residuals: _r, ...rest }) => rest));
    expect(back.every((d) => !('sample' in d) && !('residuals' in d))).toBe(true);

    // one block's sample written back, another's damaged: the first counts, the second is left out
    const stored = withSamples[1]?.sample;
    reopened.db.prepare(`UPDATE result_blocks SET sample_json = ? WHERE run_id = ? AND block = 1`).run(JSON.stringify(stored), s.runId);
    reopened.db.prepare(`UPDATE result_blocks SET sample_json = '{"pairs": 3}' WHERE run_id = ? AND block = 2`).run(s.runId);
    const mixed = batchesOf(readRunDocuments(reopened, s.runId));
    expect(mixed.map((d) => d.sample !== undefined)).toEqual([false, true, false, false, false, false]);
    expect(mixed[1]?.sample).toEqual(stored);
    expect(mixed[1]?.residuals).toEqual({ codeResidual: stored?.codeResidual, yhatError: stored?.yhatError });
    reopened.close();
  });
});
