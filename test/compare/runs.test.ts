// Run against run over the same content-addressed stimulus: aligned by vector index, the paired
// deltas per segment with their statistics, MAC by MAC yhat, levels and codes; runs over other
// stimuli (or weights) are refused, naming the field, with a message that says so.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../drivers/clock';
import { closeCompareThreads } from '../../engine/compare/compare-threads';
import { compareRuns } from '../../engine/compare/compare-runs';
import { runCalibration } from '../../engine/replay/stored-blocks';
import { readStoredRun } from '../../engine/store/stored-run';
import { measuredYhat, type YhatReading } from '../../shared/analysis/run-vs-run';
import { planeGeometry } from '../../shared/model/geometry';
import { NOT_ANALOG } from '../../shared/model/mac-batch';
import { startRescore } from '../../engine/replay/rescore';
import type { RunStore } from '../../engine/store/run-store';
import { runsComparisonSchema } from '../../shared/api/compare';
import { FieldError } from '../../shared/api/run-options';
import { DEFAULT_PROFILE } from '../../shared/model/profile';
import { simRun, tempStore } from './fixtures';

const stores: RunStore[] = [];
afterEach(() => stores.splice(0).forEach((s) => s.close()));
afterAll(() => closeCompareThreads());

/** Run against run the plain way: every vector's first repeat of both runs, MAC by MAC, from the MAC x plane codes. */
function bruteForce(s: RunStore, ra: number, rb: number, vectors: number) {
  const per = (id: number) => {
    const { profile, row } = readStoredRun(s, id);
    const bits = typeof row.config.measuredAdcBits === 'number' ? row.config.measuredAdcBits : profile.adcBits;
    const reading: YhatReading = { profile, geometry: planeGeometry(profile), calibration: runCalibration(s, id), measuredTop: 2 ** bits - 1 };
    const macs: { yhat: number; level: number; codes: number[] }[] = [];
    for (const b of s.blocks(id))
      for (let k = 0; k < b.vectors && b.firstVector + k < vectors; k++)
        for (let m = 0; m < b.outputs; m++) {
          const mac = k * b.outputs + m;
          macs.push({
            yhat: measuredYhat(reading, b.digital, b.codes, mac, m),
            level: b.level[mac]!,
            codes: Array.from(b.codes.subarray(mac * b.planes, (mac + 1) * b.planes)),
          });
        }
    return { reading, macs };
  };
  const a = per(ra);
  const b = per(rb);
  const bw = a.reading.profile.weightBits;
  const outputs = a.reading.profile.outputs;
  const diffs = a.macs.map((x, i) => b.macs[i]!.yhat - x.yhat);
  const columns = Array.from({ length: outputs * bw }, () => [] as number[]);
  a.macs.forEach((x, i) =>
    x.codes.forEach((ca, p) => {
      const cb = b.macs[i]!.codes[p]!;
      if (ca !== NOT_ANALOG && cb !== NOT_ANALOG) columns[(i % outputs) * bw + (p % bw)]!.push((cb * a.reading.measuredTop) / b.reading.measuredTop - ca);
    }),
  );
  const mean = (v: number[]) => v.reduce((t, x) => t + x, 0) / v.length;
  return {
    macs: a.macs.length,
    same: a.macs.filter((x, i) => x.level === b.macs[i]!.level).length,
    diffMean: mean(diffs),
    diffMin: Math.min(...diffs),
    diffMax: Math.max(...diffs),
    columns: columns.map((c) => ({ count: c.length, mean: c.length > 0 ? mean(c) : 0 })),
  };
}

/** The MAC-by-MAC figures of a comparison equal the plain way's. */
function expectBruteForce(s: RunStore, c: Awaited<ReturnType<typeof compareRuns>>) {
  const brute = bruteForce(s, c.a.runId, c.b.runId, c.vectors);
  expect(c.levels).toMatchObject({ macs: brute.macs, same: brute.same });
  expect(c.yhatDifference.total).toBe(brute.macs);
  expect(c.yhatDifference.mean!).toBeCloseTo(brute.diffMean, 6);
  expect(c.yhatDifference.min).toBe(brute.diffMin);
  expect(c.yhatDifference.max).toBe(brute.diffMax);
  expect(c.columns.map((col) => col.count)).toEqual(brute.columns.map((col) => col.count));
  c.columns.forEach((col, k) => expect(col.meanDeltaLsb).toBeCloseTo(brute.columns[k]!.mean, 9));
}

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
    expectBruteForce(s, c);
    // in comparison threads, each a stretch of the vectors, the same figures
    const threaded = await compareRuns(s, a.runId, b.runId, { threads: 'threads' });
    expect({ ...threaded, yhatDifference: { ...threaded.yhatDifference, mean: 0, sd: 0 } }).toEqual({ ...c, yhatDifference: { ...c.yhatDifference, mean: 0, sd: 0 } });
    expect(threaded.yhatDifference.mean!).toBeCloseTo(c.yhatDifference.mean!, 9);
    expect(threaded.yhatDifference.sd!).toBeCloseTo(c.yhatDifference.sd!, 9);
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
    expectBruteForce(s, c);
  });

  it('a re-score at another ADC width (its codes read through a calibration), against another die: MAC by MAC as the plain way', async () => {
    const s = store();
    const a = await simRun(s, { vectors: 600, seed: 6, batch: 200, die: NOISY });
    const b = await simRun(s, { vectors: 600, seed: 6, batch: 300 });
    const h = await startRescore(s, b.runId, { profileFields: { adcBits: 8 } }, systemClock, 0);
    await h.done;
    const c = await compareRuns(s, a.runId, h.runId, { threads: 'threads' });
    expect(c).toMatchObject({ vectors: 600, segments: 1 });
    expectBruteForce(s, c);
  });

  it('a die that takes other levels (its thresholds elsewhere): codes met where both converted a plane, as the plain way', async () => {
    const s = store();
    const a = await simRun(s, { vectors: 800, seed: 8, batch: 400 });
    const shifted = { ...DEFAULT_PROFILE, thresholds: DEFAULT_PROFILE.thresholds.map((t) => t - 6000) };
    const b = await simRun(s, { vectors: 800, seed: 8, batch: 400, profile: shifted });
    const c = await compareRuns(s, a.runId, b.runId);
    expect(c.levels.same).toBeLessThan(c.levels.macs);
    expectBruteForce(s, c);
  });

  it('blocks of other sizes: segments where both end a block', async () => {
    const s = store();
    const a = await simRun(s, { vectors: 1200, seed: 2, batch: 300 });
    const b = await simRun(s, { vectors: 1200, seed: 2, batch: 400 });
    const c = await compareRuns(s, a.runId, b.runId);
    expect(c).toMatchObject({ vectors: 1200, segments: 1 });
    expect(c.deltas.snrDb).toMatchObject({ n: 1, sd: null, ci95Lo: null });
    expect(c.levels.macs).toBe(9600);
    expectBruteForce(s, c);
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
