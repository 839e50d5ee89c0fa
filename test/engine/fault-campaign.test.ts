// The fault campaign: a run on an ideal simulated die under reboots at every stage, a lost link,
// a hang, and a run taken up again after it was interrupted. Checked from the database alone:
// every vector of a completed run is in exactly one block, and every measured value equals a
// clean run's. The profile's thresholds differ from the die's power-up configuration, so a
// reboot the host missed would show as wrong levels and codes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../drivers/clock';
import { parseDieConfig } from '../../drivers/sim/die-config';
import { parseFaultSpec } from '../../drivers/sim/faults';
import { simBoardLink } from '../../engine/board/board-link';
import { executeRun, type RunRequest } from '../../engine/run/run-engine';
import { resumeRun } from '../../engine/run/resume-run';
import type { RunStore } from '../../engine/store/run-store';
import { openRunStore } from '../../engine/store/store';
import { rowSlice } from '../../shared/model/matrix';
import { parseDieProfile } from '../../shared/model/profile';
import { generateWorkload } from '../../shared/workload/generators';
import { matrixSource } from '../../shared/workload/vector-source';
import { VirtualClock } from '../support/virtual-clock';

const profile = parseDieProfile({ thresholds: [-40000, -28000, -16000] });
const workload = generateWorkload(profile, { kind: 'relu', vectors: 1500, seed: 11 });
const request: RunRequest = {
  profile,
  config: { mode: 'osa' },
  weights: workload.weights,
  vectors: matrixSource(workload.vectors),
  source: { generator: 'relu', seed: 11 },
  batchVectors: 250,
};
// the die powers up with the spec's thresholds (-43008, ...), not the run's
const idealDie = () => parseDieConfig({ adcNoise: 0, columnGainSigma: 0, columnOffsetSigma: 0 });

function freshStore(): RunStore {
  return openRunStore(join(mkdtempSync(join(tmpdir(), 'osa-faults-')), 'runs.db')).store;
}

type Measured = Record<'digital' | 'saliency' | 'level' | 'codes', Buffer>;
const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** A run's measurement from its committed blocks, in vector order; throws unless they tile 0..total once. */
function measured(store: RunStore, runId: number): Measured {
  const blocks = [...store.blocks(runId)].sort((a, b) => a.firstVector - b.firstVector);
  let next = 0;
  for (const b of blocks) {
    if (b.firstVector !== next) throw new Error(`block ${b.block} starts at vector ${b.firstVector}, expected ${next}`);
    next += b.vectors;
  }
  const join = (k: keyof Measured) => Buffer.concat(blocks.map((b) => bytes(b[k])));
  return { digital: join('digital'), saliency: join('saliency'), level: join('level'), codes: join('codes') };
}

/** The fields in which a run's measurement differs from the clean run's (over the vectors it has: a shorter run is its prefix). */
function differing(m: Measured): string[] {
  return (Object.keys(m) as (keyof Measured)[]).filter((k) => !m[k].equals(clean[k].subarray(0, m[k].length)));
}

let clean: Measured;

beforeAll(async () => {
  const store = freshStore();
  const s = await executeRun(request, { store, board: simBoardLink({ die: idealDie(), clock: systemClock }), clock: systemClock });
  expect(s).toMatchObject({ state: 'completed', vectors: 1500, digitalMismatches: 0, levelAgreement: 1, reboots: 0 });
  clean = measured(store, s.runId);
});

describe('a board that reboots under a run', () => {
  // lines the board receives before it reboots: in the handshake and set-up (CFG, WGT, CFG?,
  // WGT?, BOOT?), in the first upload, around a RUN, and among result fetches of later batches
  const points = [3, 4, 5, 7, 12, 20, 30, 60, 150, 170];
  it.each(points)('after %i lines: set up again, verified, and every result equals a clean run', async (after) => {
    const store = freshStore();
    const board = simBoardLink({ die: idealDie(), clock: systemClock, faults: parseFaultSpec(`reboot-after=${after}`) });
    const s = await executeRun(request, { store, board, clock: systemClock });
    expect(s).toMatchObject({ state: 'completed', vectors: 1500, reboots: 1, digitalMismatches: 0, levelAgreement: 1 });
    expect(differing(measured(store, s.runId))).toEqual([]);
    // one reboot, and the board set up and verified again after it
    const kinds = store.events(s.runId).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'reboot')).toHaveLength(1);
    expect(kinds.lastIndexOf('configured')).toBeGreaterThan(kinds.indexOf('reboot'));
    expect(store.getRun(s.runId)).toMatchObject({ state: 'completed', vectorsDone: 1500 });
  });

  it('fails, never completes, when the board does not take the configuration it is given', async () => {
    const store = freshStore();
    const board = simBoardLink({ die: idealDie(), clock: systemClock });
    // a firmware that keeps its power-up thresholds whatever CFG says
    const firmware = board.board.firmware as unknown as { configure(args: readonly string[]): unknown };
    const configure = firmware.configure.bind(firmware);
    firmware.configure = (args) => configure(args.filter((a) => !a.startsWith('THR=')));
    await expect(executeRun(request, { store, board, clock: systemClock })).rejects.toThrow(
      /configuration could not be verified: asked .*THR=-40000,-28000,-16000.* reports .*THR=-43008/,
    );
    const run = store.listRuns()[0]!;
    expect(run).toMatchObject({ state: 'failed', vectorsDone: 0 });
    expect([...store.blocks(run.id)]).toHaveLength(0);
  });
});

describe('a noisy link', () => {
  it.each(['corrupt=0.2,drop=0.05', 'corrupt-bytes=1e-4'])('%s: the run completes and every result equals a clean run', async (spec) => {
    const store = freshStore();
    const board = simBoardLink({ die: idealDie(), clock: systemClock, faults: parseFaultSpec(`${spec},seed=3`) });
    // a lost line costs a timeout: the first 250 vectors keep the test short
    const s = await executeRun({ ...request, vectors: matrixSource(rowSlice(workload.vectors, 0, 250)) }, { store, board, clock: systemClock, resumeWithinMs: 10_000 });
    expect(s).toMatchObject({ state: 'completed', vectors: 250, digitalMismatches: 0, levelAgreement: 1 });
    expect(measured(store, s.runId).level.length).toBe(250 * profile.outputs);
    expect(differing(measured(store, s.runId))).toEqual([]);
    const link = JSON.parse(store.events(s.runId).find((e) => e.kind === 'link')!.detail!) as Record<string, number>;
    expect(link.resent).toBeGreaterThan(0);
  });
});

describe('a lost link', () => {
  it.each(['disconnect-after=40', 'disconnect-after=200'])('%s: the same board is found again and the run goes on where it was', async (spec) => {
    const store = freshStore();
    const board = simBoardLink({ die: idealDie(), clock: systemClock, faults: parseFaultSpec(spec) });
    const s = await executeRun(request, { store, board, clock: systemClock, resumeWithinMs: 5000 });
    expect(s).toMatchObject({ state: 'completed', vectors: 1500, resumes: 1 });
    expect(differing(measured(store, s.runId))).toEqual([]);
  });

  it('a board that hangs ends the run interrupted; taken up again on a healthy board of the same identity it completes, every vector once', async () => {
    const store = freshStore();
    // virtual time: the hung board's timeouts and retries run out in full, without seconds of waiting
    const clock = new VirtualClock();
    const hung = simBoardLink({ die: idealDie(), clock, faults: parseFaultSpec('hang-after=120') });
    const first = await executeRun(request, { store, board: hung, clock, resumeWithinMs: 0 });
    clock.stop();
    expect(first.state).toBe('interrupted');
    expect(first.reason).toMatch(/does not answer/);
    expect(first.vectors).toBeLessThan(1500);
    expect(store.getRun(first.runId)?.vectorsDone).toBe(first.vectors);
    await hung.dispose();

    const s = await resumeRun(first.runId, { store, board: simBoardLink({ die: idealDie(), clock: systemClock }), clock: systemClock });
    expect(s).toMatchObject({ runId: first.runId, state: 'completed', vectors: 1500, digitalMismatches: 0, levelAgreement: 1 });
    expect(differing(measured(store, s.runId))).toEqual([]);
    expect(store.events(s.runId).map((e) => e.kind)).toContain('taken-up');
  });

  it('taking up a run on a board of another identity is refused unless asked for', async () => {
    const store = freshStore();
    const clock = new VirtualClock();
    const first = await executeRun(request, {
      store,
      board: simBoardLink({ die: idealDie(), clock, faults: parseFaultSpec('hang-after=120') }),
      clock,
    });
    clock.stop();
    expect(first.state).toBe('interrupted');
    const other = () => simBoardLink({ die: { ...idealDie(), serial: 'SIM-0002', dieId: 'SIM-DIE-0002' }, clock: systemClock });
    await expect(resumeRun(first.runId, { store, board: other(), clock: systemClock })).rejects.toThrow(
      /was measured on board SIM-0001 with die SIM-DIE-0001; .* is board SIM-0002 with die SIM-DIE-0002/,
    );
    expect(store.getRun(first.runId)?.state).toBe('interrupted');
    const s = await resumeRun(first.runId, { store, board: other(), clock: systemClock }, undefined, { anyBoard: true });
    expect(s).toMatchObject({ state: 'completed', vectors: 1500 });
    expect(differing(measured(store, s.runId))).toEqual([]);
  });

  it('a completed run cannot be taken up again', async () => {
    const store = freshStore();
    const s = await executeRun(request, { store, board: simBoardLink({ die: idealDie(), clock: systemClock }), clock: systemClock });
    await expect(resumeRun(s.runId, { store, board: simBoardLink({ die: idealDie(), clock: systemClock }), clock: systemClock })).rejects.toThrow(
      /is completed: only an interrupted run/,
    );
  });
});
