// One run against the model: a die with stuck cells and a dead ADC column, made up here, is found
// to have exactly those faults and nothing else; healthy dies (typical and noisy) have none; a
// stuck cell in dcim shows in the digital sums alone; a saliency threshold the die applies at
// another value misfires, and only it; the figures add up.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { compareRun, passBlocks } from '../../engine/compare/compare-run';
import { closeCompareThreads } from '../../engine/compare/compare-threads';
import type { RunStore } from '../../engine/store/run-store';
import { runComparisonSchema, type Finding } from '../../shared/api/compare';
import { DEFAULT_PROFILE } from '../../shared/model/profile';
import { killColumn, rewriteBlocks, simRun, tempStore, weightsOf } from './fixtures';

const stores: RunStore[] = [];
afterEach(() => stores.splice(0).forEach((s) => s.close()));
afterAll(() => closeCompareThreads());

function store(): RunStore {
  const s = tempStore();
  stores.push(s);
  return s;
}

/** Cells stuck at the value their weight bit is not written with: a stuck cell at the written value changes nothing. */
function stuckCells(seed: number, vectors: number, cells: { row: number; column: number }[], kind: 'relu' | 'uniform' = 'relu') {
  const w = weightsOf({ seed, vectors, kind });
  return cells.map((c) => {
    const written = ((w.data[c.row * 8 + Math.floor(c.column / 8)] as number) >> (c.column % 8)) & 1;
    return { ...c, value: (1 - written) as 0 | 1 };
  });
}

/** A finding by its kind and place, for comparing sets of findings. */
function place(f: Finding): string {
  switch (f.kind) {
    case 'stuck-cell':
      return `stuck-cell row ${f.row} column ${f.column} at ${f.stuckAt}`;
    case 'threshold-misfire':
      return `threshold-misfire ${f.threshold}`;
    case 'digital-mismatch':
      return `digital-mismatch output ${f.output}`;
    default:
      return `${f.kind} column ${f.column}`;
  }
}

describe('a run against the model', () => {
  it('finds exactly the stuck cells and the dead column made up for the die, and nothing else', async () => {
    const s = store();
    // codes only (output 0, bit 0; output 1, bit 1), codes and digital sums (output 2, the sign bit), and one in a row of mostly zero inputs
    const made = stuckCells(3, 4000, [
      { row: 3, column: 0 },
      { row: 17, column: 9 },
      { row: 100, column: 23 },
      { row: 200, column: 63 },
    ]);
    const run = await simRun(s, { vectors: 4000, seed: 3, die: { seed: 5, stuckCells: made } });
    rewriteBlocks(s, run.runId, killColumn(DEFAULT_PROFILE, 42));
    const c = await compareRun(s, run.runId);
    expect(runComparisonSchema.parse(JSON.parse(JSON.stringify(c)))).toEqual(c);
    expect(c.findings.map(place).sort()).toEqual([...made.map((m) => `stuck-cell row ${m.row} column ${m.column} at ${m.value}`), 'dead-column column 42'].sort());
    const dead = c.findings.find((f) => f.kind === 'dead-column');
    expect(dead).toMatchObject({ output: 5, weightBit: 2, evidence: { code: 0, fractionAtCode: 1, measuredSdLsb: 0 } });
    for (const f of c.findings) if (f.kind === 'stuck-cell') expect(f.evidence.channel === 'digital' || (f.evidence.analogZ ?? 0) > 8).toBe(true);
    // the sign-bit cell shows in the exact digital sums too
    expect(c.findings.find((f) => f.kind === 'stuck-cell' && f.column === 63)).toMatchObject({ evidence: { digitalMacs: expect.any(Number) as unknown } });
    expect(c.columns[42]).toMatchObject({ zeroFraction: 1 });
    expect(c.scan).toEqual({ vectors: 4000, blocks: 8 });

    // a big run's first pass reads a part of its blocks (in a comparison thread): the same findings, and the
    // largest outliers of the run (as many as the blocks with the largest residuals it had room for: 2 here)
    const part = await compareRun(s, run.runId, { passVectors: 2000, threads: 'threads' });
    expect(part.macs).toBe(2000 * 8);
    expect(part.findings.map(place).sort()).toEqual(c.findings.map(place).sort());
    const at = (o: (typeof c.outliers)[number]) => ({ ...o, z: undefined });
    expect(part.outliers.slice(0, 2).map(at)).toEqual(c.outliers.slice(0, 2).map(at));
    expect(part.figures).toEqual(c.figures);
  }, 120_000);

  it("a big run's first pass: blocks with faults and the largest residuals in their summaries, then a spread", () => {
    const summary = { macs: 800, digitalMismatches: 0, levelAgreements: 800, yhatResidualMin: -1, yhatResidualMax: 1 };
    const blocks = Array.from({ length: 40 }, (_, k) => ({
      block: k,
      firstVector: k * 100,
      vectors: 100,
      summary: {
        ...summary,
        ...(k === 7 ? { digitalMismatches: 3 } : {}),
        ...(k === 23 ? { levelAgreements: 790 } : {}),
        ...(k === 31 ? { yhatResidualMax: 50 } : {}),
        ...(k === 2 ? { yhatResidualMin: -40 } : {}),
      },
    })) as unknown as Parameters<typeof passBlocks>[0];
    const picked = passBlocks(blocks, 1000, 2).map((b) => b.block);
    expect(picked).toHaveLength(10);
    expect(picked).toEqual([...picked].sort((a, b) => a - b));
    for (const k of [2, 7, 23, 31]) expect(picked).toContain(k);
    // the rest spread: no stretch of a quarter of the run left out
    for (let q = 0; q < 4; q++) expect(picked.some((k) => k >= q * 10 && k < (q + 1) * 10)).toBe(true);
    expect(passBlocks(blocks, 4000, 2)).toHaveLength(40);
  });

  it("finds stuck cells under uniform inputs too, where a column's line takes in half of a cell's shift", async () => {
    const s = store();
    const made = stuckCells(
      5,
      2000,
      [
        { row: 5, column: 1 },
        { row: 130, column: 35 },
      ],
      'uniform',
    );
    const run = await simRun(s, { vectors: 2000, seed: 5, kind: 'uniform', die: { seed: 3, stuckCells: made } });
    const c = await compareRun(s, run.runId);
    expect(c.findings.map(place).sort()).toEqual(made.map((m) => `stuck-cell row ${m.row} column ${m.column} at ${m.value}`).sort());
  });

  it('finds nothing on healthy dies, typical and noisy', async () => {
    const s = store();
    for (const die of [{ seed: 11 }, { seed: 7, adcNoise: 0.008, columnGainSigma: 0.02, columnOffsetSigma: 0.004, processSigma: 0.08, powerNoise: 0.03 }]) {
      const run = await simRun(s, { vectors: 3000, seed: 2, die });
      const c = await compareRun(s, run.runId);
      expect(c.findings).toEqual([]);
    }
  });

  it('adds up: histograms hold every MAC and conversion, the confusion matrix every MAC, the figures those of the summaries', async () => {
    const s = store();
    const run = await simRun(s, { vectors: 1000, seed: 9, repeat: 2, batch: 250 });
    const c = await compareRun(s, run.runId, { outliers: 7 });
    expect(c.macs).toBe(1000 * 2 * 8);
    for (const h of [c.yhatResidual, c.yhatError, c.modelYhatError]) expect(h.counts.reduce((a, b) => a + b, 0) + h.underflow + h.overflow).toBe(c.macs);
    expect(c.levels.confusion.flat().reduce((a, b) => a + b, 0)).toBe(c.macs);
    expect(c.levels.perLevel.reduce((a, l) => a + l.modelMacs, 0)).toBe(c.macs);
    expect(c.codeResidual.total).toBe(c.columns.reduce((a, col) => a + col.count, 0));
    expect(c.codeResidual.total).toBe(c.planes.reduce((a, p) => a + p.count, 0));
    expect(c.figures.macs).toBe(c.macs);
    expect(c.levels.agreement).toBeCloseTo(c.figures.levelAgreement, 12);
    expect(c.energy.measuredPjPerMac).toBeCloseTo(c.figures.measuredPjPerMac, 9);
    expect(c.energy.modelPjPerMac).toBeCloseTo(c.figures.modelPjPerMac, 9);
    expect(c.outliers).toHaveLength(7);
    expect(c.outliers.map((o) => Math.abs(o.residual))).toEqual([...c.outliers.map((o) => Math.abs(o.residual))].sort((a, b) => b - a));
    // the transfer curve follows the ideal one within a code
    for (const t of c.transfer.filter((p) => p.count > 100)) expect(Math.abs(t.meanCode - t.idealCode)).toBeLessThan(1);
    expect(c.columns.every((col) => col.gain !== null && Math.abs(col.gain - 1) < 0.05)).toBe(true);
  });

  it('dcim: a stuck cell shows in the exact digital sums alone', async () => {
    const s = store();
    const made = stuckCells(4, 1500, [
      { row: 40, column: 12 },
      { row: 41, column: 13 },
    ]);
    const run = await simRun(s, { vectors: 1500, seed: 4, config: { mode: 'dcim' }, die: { seed: 2, stuckCells: made } });
    const c = await compareRun(s, run.runId);
    expect(c.findings.map(place).sort()).toEqual(made.map((m) => `stuck-cell row ${m.row} column ${m.column} at ${m.value}`).sort());
    expect(c.findings.every((f) => f.kind === 'stuck-cell' && f.evidence.channel === 'digital')).toBe(true);
    expect(c.codeResidual.total).toBe(0);
  });

  it('names the saliency threshold a die applies at another value, and no other', async () => {
    const s = store();
    // the die's threshold 1 sits 3000 below the profile's: measured with it, stored as measured with the profile's
    const shifted = { ...DEFAULT_PROFILE, thresholds: DEFAULT_PROFILE.thresholds.map((t, q) => (q === 1 ? t - 3000 : t)) };
    const run = await simRun(s, { vectors: 2000, seed: 12, profile: shifted });
    const row = s.getRun(run.runId)!;
    s.db.prepare(`UPDATE runs SET config_json = ? WHERE id = ?`).run(JSON.stringify({ ...row.config, profile: DEFAULT_PROFILE }), run.runId);
    rewriteBlocks(s, run.runId, () => undefined);
    const c = await compareRun(s, run.runId);
    expect(c.findings.map(place)).toEqual(['threshold-misfire 1']);
    const f = c.findings[0]!;
    if (f.kind !== 'threshold-misfire') throw new Error('a misfire');
    expect(f.theta).toBe(DEFAULT_PROFILE.thresholds[1]);
    expect(f.evidence.firedBelow).toBeGreaterThan(0);
    expect(f.evidence.missedAbove).toBe(0);
    // the die's threshold lies where its levels say
    expect(f.evidence.effectiveLo!).toBeLessThanOrEqual(shifted.thresholds[1]!);
    expect(f.evidence.effectiveHi!).toBeGreaterThan(shifted.thresholds[1]!);
    expect(c.levels.agreement).toBeLessThan(1);
  });

  it('refuses a run with nothing to compare', async () => {
    const s = store();
    await expect(compareRun(s, 5)).rejects.toThrow(/no run '5'/);
  });
});
