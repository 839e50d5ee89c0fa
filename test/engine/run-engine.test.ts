import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../drivers/clock';
import { parseDieConfig } from '../../drivers/sim/die-config';
import { parseFaultSpec, type FaultSpec } from '../../drivers/sim/faults';
import { simBoardLink } from '../../engine/board/board-link';
import { executeRun, RunControl } from '../../engine/run/run-engine';
import type { BatchDocument, RunDocument, StatusDocument } from '../../shared/api/documents';
import { openRunStore } from '../../engine/store/store';
import type { RunStore } from '../../engine/store/run-store';
import { ModeConfigError } from '../../shared/model/modes';
import { DEFAULT_PROFILE } from '../../shared/model/profile';
import { generateWorkload } from '../../shared/workload/generators';
import { matrixSource } from '../../shared/workload/vector-source';
import { rowSlice } from '../../shared/model/matrix';
import type { Clock } from '../../shared/clock';
import { VirtualClock } from '../support/virtual-clock';

const workload = generateWorkload(DEFAULT_PROFILE, { kind: 'relu', vectors: 1200, seed: 3 });
const request = {
  profile: DEFAULT_PROFILE,
  config: { mode: 'osa' as const },
  weights: workload.weights,
  vectors: matrixSource(workload.vectors),
  source: { generator: 'relu', seed: 3 },
  batchVectors: 200,
};

function setup(faults?: FaultSpec, clock: Clock = systemClock) {
  const path = join(mkdtempSync(join(tmpdir(), 'osa-run-')), 'runs.db');
  const { store } = openRunStore(path);
  const board = simBoardLink({ die: parseDieConfig({}), clock, faults });
  return { path, store, board };
}

/** Every vector of the run is in exactly one committed block, in order. */
function coverage(store: RunStore, runId: number): number[][] {
  return [...store.blocks(runId)].map((b) => [b.firstVector, b.vectors]);
}

describe('a run', () => {
  it('streams every batch, compares it with the model and commits it, with power and wire lines', async () => {
    const { store, board } = setup();
    const docs: RunDocument[] = [];
    const s = await executeRun(request, { store, board, clock: systemClock, emit: (d) => docs.push(d as RunDocument) });
    expect(s).toMatchObject({ state: 'completed', vectors: 1200, outputs: 8, macs: 9600, digitalMismatches: 0, levelAgreement: 1, resumes: 0 });
    expect(s.snrDb).toBeGreaterThan(10);
    expect(s.measuredPjPerMac / s.modelPjPerMac).toBeGreaterThan(0.8);
    expect(s.measuredPjPerMac / s.modelPjPerMac).toBeLessThan(1.25);
    expect(coverage(store, s.runId)).toEqual([0, 200, 400, 600, 800, 1000].map((f) => [f, 200]));
    const run = store.getRun(s.runId)!;
    expect(run).toMatchObject({ state: 'completed', vectorsDone: 1200, vectorsTotal: 1200, vectorSet: workload.vectorsHash, weightSet: workload.weightsHash });
    expect(run.provenance).toMatchObject({ dieId: 'SIM-DIE-0001', board: { firmware: '1.0.0' }, vectorSet: workload.vectorsHash, app: { name: 'osa-bench' } });
    const wire = store.db.prepare('SELECT count(*) AS n, min(length(to_host)) AS shortest FROM wire_log WHERE run_id = ?').get(s.runId) as {
      n: number;
      shortest: number;
    };
    expect(wire.n).toBe(6);
    expect(wire.shortest).toBeGreaterThan(1000);
    expect(docs.filter((d) => d.type === 'status').at(-1)).toMatchObject({ state: 'completed', vectorsDone: 1200, vectorsTotal: 1200 });
    // the stream: start, descriptor, a batch per committed block in order, stop last
    expect(docs[0]).toMatchObject({ type: 'start', runId: s.runId, kind: 'run', vectorsTotal: 1200 });
    expect(docs[1]).toMatchObject({ type: 'descriptor', runId: s.runId });
    expect(docs.filter((d) => d.type === 'batch').map((d) => d.firstVector)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(docs.at(-1)).toMatchObject({ type: 'stop', state: 'completed', summary: { macs: 9600 } });
    // the stored blobs are the measurement: measured D equals the model's everywhere
    for (const b of store.blocks(s.runId)) expect(b.digital.length).toBe(b.vectors * 8);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('refuses a bad configuration before the board is touched', async () => {
    const { store, board } = setup();
    await expect(executeRun({ ...request, config: { mode: 'hcim', boundary: 40 } }, { store, board, clock: systemClock })).rejects.toThrow(ModeConfigError);
    expect(board.board.toBoard.lines).toBe(0);
    expect(store.listRuns()).toEqual([]);
  });

  it('pauses between batches, resumes, and aborts', async () => {
    const { store, board } = setup();
    const control = new RunControl();
    let paused = false;
    const s = await executeRun(
      request,
      {
        store,
        board,
        clock: systemClock,
        statusEveryMs: 0,
        emit: (d) => {
          if (d.type !== 'status') return;
          const p = d as StatusDocument;
          if (p.vectorsDone >= 400 && !paused) {
            paused = true;
            control.pause();
            setTimeout(() => control.resume(), 50);
          }
          if (p.vectorsDone >= 800) control.abort();
        },
      },
      control,
    );
    expect(s.state).toBe('aborted');
    expect(s.vectors).toBeGreaterThanOrEqual(800);
    expect(s.vectors).toBeLessThan(1200);
    expect(store.events(s.runId).map((e) => e.kind)).toEqual(expect.arrayContaining(['pause', 'resume']));
    expect(coverage(store, s.runId).map(([f]) => f)).toEqual([0, 200, 400, 600, 800].slice(0, coverage(store, s.runId).length));
  });

  it('after a disconnect, resumes on the same board from the last committed batch: no vector lost or repeated', async () => {
    const { store, board } = setup(parseFaultSpec('disconnect-after=40'));
    const docs: RunDocument[] = [];
    const s = await executeRun(request, { store, board, clock: systemClock, resumeWithinMs: 5000, emit: (d) => docs.push(d as RunDocument) });
    expect(s.state).toBe('completed');
    expect(s.resumes).toBe(1);
    // while it waits, its status says until when: the disconnect's time plus the wait
    const waiting = docs.filter((d) => d.type === 'status' && d.state === 'resuming');
    expect(waiting.length).toBeGreaterThan(0);
    for (const d of waiting) {
      if (d.type !== 'status' || !d.resumeBy) throw new Error(`status ${d.seq} has no resumeBy`);
      expect(Date.parse(d.resumeBy) - Date.parse(d.time)).toBeGreaterThan(4000);
      expect(Date.parse(d.resumeBy) - Date.parse(d.time)).toBeLessThanOrEqual(5000);
    }
    expect(docs.filter((d) => d.type === 'status' && d.state !== 'resuming').every((d) => d.type === 'status' && d.resumeBy === undefined)).toBe(true);
    expect(s.digitalMismatches).toBe(0);
    const blocks = coverage(store, s.runId);
    expect(blocks.reduce((next, [first, n]) => (first === next ? next + n! : -1), 0)).toBe(1200);
    expect(store.events(s.runId).map((e) => e.kind)).toEqual(expect.arrayContaining(['disconnect', 'resume']));
  });

  it('ends interrupted, committed batches kept, when the board does not come back', async () => {
    // virtual time: the board's timeouts and retries run out in full, without seconds of waiting
    const clock = new VirtualClock();
    const { store, board } = setup(parseFaultSpec('hang-after=40'), clock);
    const s = await executeRun(request, { store, board, clock, resumeWithinMs: 0 });
    clock.stop();
    expect(s.state).toBe('interrupted');
    expect(s.reason).toMatch(/does not answer/);
    const run = store.getRun(s.runId)!;
    expect(run.vectorsDone).toBe(coverage(store, s.runId).reduce((n, [, v]) => n + v!, 0));
  });
});

describe('a run whose database fails under it', () => {
  it('stops with a clear error when another program locks the database; committed batches stay intact', async () => {
    const { path, store, board } = setup();
    store.db.pragma('busy_timeout = 100');
    const Database = (await import('better-sqlite3')).default;
    const holder = new Database(path);
    let locked = false;
    const run = executeRun(request, {
      store,
      board,
      clock: systemClock,
      statusEveryMs: 0,
      emit: (d) => {
        if (d.type === 'batch' && d.firstVector + d.vectors >= 400 && !locked) {
          locked = true;
          holder.exec('BEGIN EXCLUSIVE');
        }
      },
    });
    await expect(run).rejects.toThrow(/runs\.db: the database is locked by another program/);
    holder.exec('ROLLBACK');
    holder.close();
    const runRow = store.listRuns()[0]!;
    const blocks = [...store.blocks(runRow.id)];
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    expect(runRow.vectorsDone).toBe(blocks.length * 200);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});

describe('live figures', () => {
  it('come with every batch document, batch by batch, and end at the run summary', async () => {
    const { store, board } = setup();
    const batches: BatchDocument[] = [];
    const s = await executeRun(request, { store, board, clock: systemClock, emit: (d) => d.type === 'batch' && batches.push(d as BatchDocument) });
    const live = batches.map((b) => b.run);
    expect(live.map((l) => l.macs)).toEqual([1600, 3200, 4800, 6400, 8000, 9600]);
    const notFigures = ['runId', 'guid', 'state', 'reason', 'vectors', 'outputs', 'resumes', 'reboots'];
    expect(live.at(-1)).toEqual(Object.fromEntries(Object.entries(s).filter(([k]) => !notFigures.includes(k))));
    // the figures so far are already the die's: SNR close to the end figure after two batches
    expect(Math.abs(live[1]!.snrDb! - s.snrDb!)).toBeLessThan(1.5);
  });
});

describe('a database that fills up', () => {
  it('fails the run with a clear error, marks it failed, and keeps every committed batch', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'osa-run-')), 'runs.db');
    const empty = openRunStore(path).store;
    const emptyBytes = (empty.db.pragma('page_count', { simple: true }) as number) * (empty.db.pragma('page_size', { simple: true }) as number);
    empty.close();
    // room for the run's metadata and a few blocks, not for the whole run
    const { store } = openRunStore(path, { maxBytes: emptyBytes + 500_000 });
    const board = simBoardLink({ die: parseDieConfig({}), clock: systemClock });
    await expect(executeRun(request, { store, board, clock: systemClock })).rejects.toThrow(/runs\.db: the disk is full/);
    const run = store.listRuns()[0]!;
    expect(run.state).toBe('failed');
    expect(run.stateReason).toMatch(/the disk is full/);
    const blocks = coverage(store, run.id);
    expect(blocks.length).toBeGreaterThanOrEqual(1);
    expect(blocks.length).toBeLessThan(6);
    expect(blocks).toEqual(blocks.map((_, i) => [i * 200, 200]));
    expect(run.vectorsDone).toBe(blocks.length * 200);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    store.close();
  });
});

describe('telemetry', () => {
  it("logs the board's idle rail telemetry for the session while a run goes on", async () => {
    const { store } = setup();
    // a link paced at 3 Mbaud: 300 vectors take about 0.9 s on the wire, whatever the machine
    const board = simBoardLink({ die: parseDieConfig({}), clock: systemClock, link: { baud: 3_000_000, latencyMs: 0 } });
    const sessionId = store.createSession({ operator: 'test', bench: null, ambientC: 24, notes: null });
    const paced = { ...request, vectors: matrixSource(rowSlice(workload.vectors, 0, 300)), batchVectors: 100 };
    await executeRun(paced, { store, board, clock: systemClock, sessionId, telemetryMs: 100 });
    const rows = store.db.prepare('SELECT session_id, die_temp_c, vdd_dig_mw FROM telemetry').all() as { session_id: number; die_temp_c: number; vdd_dig_mw: number }[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.session_id === sessionId && r.vdd_dig_mw > 0 && r.die_temp_c > 20)).toBe(true);
  });
});

describe('the simulated die without silicon effects', () => {
  it('measures exactly what the model predicts: every code, every level, the same SNR', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'osa-run-')), 'ideal.db');
    const { store } = openRunStore(path);
    const board = simBoardLink({ die: parseDieConfig({ adcNoise: 0, columnGainSigma: 0, columnOffsetSigma: 0 }), clock: systemClock });
    const s = await executeRun(request, { store, board, clock: systemClock });
    expect(s).toMatchObject({ state: 'completed', digitalMismatches: 0, levelAgreement: 1, codeResidualRmsLsb: 0 });
    expect(s.snrDb).toBe(s.modelSnrDb);
  });
});
