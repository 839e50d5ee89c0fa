// Run against run over the same content-addressed stimulus: aligned by vector index, the paired
// deltas per segment with their statistics, MAC by MAC yhat, levels and codes; runs over other
// stimuli (or weights) are refused, naming the field, with a message that says so.
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../drivers/clock';
import { compareRuns } from '../../engine/compare/compare-runs';
import { startRescore } from '../../engine/replay/rescore';
import type { RunStore } from '../../engine/store/run-store';
import { runsComparisonSchema } from '../../shared/api/compare';
import { FieldError } from '../../shared/api/run-options';
import { DEFAULT_PROFILE } from '../../shared/model/profile';
import { simRun, tempStore } from './fixtures';

const stores: RunStore[] = [];
afterEach(() => stores.splice(0).forEach((s) => s.close()));

function store(): RunStore {
  const s = tempStore();
  stores.push(s);
  return s;
}

const NOISY = { seed: 7, dieId: 'NOISY', adcNoise: 0.008, columnGainSigma: 0.02, columnOffsetSigma: 0.004 };

describe('a run against a run', () => {
  it('two dies over one stimulus: aligned by vector, deltas per segment with their statistics', async () => {
    const s = store();
    const a = await simRun(s, { vectors: 2000, seed: 1, batch: 250, die: { seed: 1 } });
    const b = await simRun(s, { vectors: 2000, seed: 1, batch: 250, die: NOISY });
    const c = await compareRuns(s, a.runId, b.runId);
    expect(runsComparisonSchema.parse(JSON.parse(JSON.stringify(c)))).toEqual(c);
    expect(c).toMatchObject({ vectors: 2000, segments: 8, a: { runId: a.runId, dieId: 'SIM-DIE-0001' }, b: { runId: b.runId, dieId: 'NOISY' } });
    expect(c.a.vectorSet).toBe(c.b.vectorSet);
    // the noisy die reads its codes worse: every segment says so, and the interval excludes 0
    expect(c.deltas.codeResidualRmsLsb.n).toBe(8);
    expect(c.deltas.codeResidualRmsLsb.mean!).toBeGreaterThan(0);
    expect(c.deltas.codeResidualRmsLsb.ci95Lo!).toBeGreaterThan(0);
    expect(c.deltas.snrDb.mean!).toBeLessThan(0);
    expect(c.figures.b.codeResidualRmsLsb).toBeGreaterThan(c.figures.a.codeResidualRmsLsb);
    // the model is the same for both: its SNR does not move
    expect(c.deltas.modelSnrDb.mean).toBeCloseTo(0, 12);
    expect(c.figures.a.macs).toBe(16_000);
    expect(c.levels).toMatchObject({ macs: 16_000, same: 16_000 });
    expect(c.yhatDifference.total).toBe(16_000);
    expect(c.columns.reduce((t, col) => t + col.count, 0)).toBeGreaterThan(0);
    expect(c.rails.map((r) => r.rail)).toEqual(['VDD_DIG', 'VDD_ANA', 'VDD_SRAM']);
  });

  it('silicon against its re-score: the same measurements, MAC by MAC; only the model moves', async () => {
    const s = store();
    const a = await simRun(s, { vectors: 1000, seed: 3, batch: 250 });
    const h = await startRescore(s, a.runId, { profileFields: { thresholds: DEFAULT_PROFILE.thresholds.map((t) => t - 4096) } }, systemClock, 0);
    await h.done;
    const c = await compareRuns(s, a.runId, h.runId);
    expect(c.segments).toBe(4);
    expect(c.yhatDifference).toMatchObject({ total: 8000, mean: 0, sd: 0 });
    expect(c.levels.same).toBe(8000);
    expect(c.columns.every((col) => col.meanDeltaLsb === 0 && col.sdDeltaLsb === 0)).toBe(true);
    expect(c.deltas.snrDb.mean).toBeCloseTo(0, 9);
    expect(c.deltas.levelAgreement.mean!).toBeLessThan(0);
  });

  it('blocks of other sizes: segments where both end a block', async () => {
    const s = store();
    const a = await simRun(s, { vectors: 1200, seed: 2, batch: 300 });
    const b = await simRun(s, { vectors: 1200, seed: 2, batch: 400 });
    const c = await compareRuns(s, a.runId, b.runId);
    expect(c).toMatchObject({ vectors: 1200, segments: 1 });
    expect(c.deltas.snrDb).toMatchObject({ n: 1, sd: null, ci95Lo: null });
    expect(c.levels.macs).toBe(9600);
  });

  it('refuses runs over other stimuli, or other weights, naming --with', async () => {
    const s = store();
    const a = await simRun(s, { vectors: 300, seed: 1, batch: 300 });
    const other = await simRun(s, { vectors: 300, seed: 2, batch: 300 });
    const err = await compareRuns(s, a.runId, other.runId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FieldError);
    expect(err).toMatchObject({ field: 'with', message: expect.stringMatching(/^with: the stimuli differ: run \d+ measured vector set sha256:/) as unknown });
    await expect(compareRuns(s, a.runId, 999)).rejects.toMatchObject({ field: 'with', message: expect.stringMatching(/no run '999'/) as unknown });
  });
});
