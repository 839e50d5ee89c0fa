import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../drivers/clock';
import { loadDieConfig, parseDieConfig, type DieConfig } from '../../drivers/sim/die-config';
import { simBoardLink } from '../../engine/board/board-link';
import type { ProcedureContext } from '../../engine/procedures/context';
import type { StatusDocument } from '../../shared/api/documents';
import { adcTransfer } from '../../engine/procedures/adc-transfer';
import { functionalCheck } from '../../engine/procedures/functional';
import { marchTest } from '../../engine/procedures/march';
import { osaPoints } from '../../engine/procedures/osa-points';
import { powerPerMode } from '../../engine/procedures/power-per-mode';
import { repeatability } from '../../engine/procedures/repeatability';
import { snrSweep } from '../../engine/procedures/snr-sweep';
import { openRunStore } from '../../engine/store/store';
import { DEFAULT_PROFILE } from '../../shared/model/profile';
import { cli } from '../cli/run-cli';
import { formatProcedureReport } from '../../cli/procedure-report-format';
import { procedureReportSchema } from '../../shared/api/procedure-reports';
import { executeRun } from '../../engine/run/run-engine';
import { generateWorkload } from '../../shared/workload/generators';
import { matrixSource } from '../../shared/workload/vector-source';

const stuckDie = () => loadDieConfig(new URL('../../drivers/sim/dies/stuck-cells.json', import.meta.url).pathname);

function context(die: DieConfig = parseDieConfig({})): ProcedureContext {
  const { store } = openRunStore(join(mkdtempSync(join(tmpdir(), 'osa-proc-')), 'p.db'));
  return { store, board: simBoardLink({ die, clock: systemClock }), clock: systemClock, profile: DEFAULT_PROFILE };
}

const small = { workload: 'relu' as const, vectors: 400, seed: 1 };

/** A report as a client gets it: it passes its schema (every number finite, an infinite dB null). */
function checked<R>(r: R): R {
  expect(procedureReportSchema.parse(r)).toEqual(r);
  return r;
}

describe('procedures', () => {
  it('march: finds exactly the stuck cells of the defective sample die', async () => {
    const r = checked(await marchTest(context(await stuckDie())));
    expect(r.passed).toBe(false);
    expect(r.summary.cells).toBe(256 * 8 * 8);
    expect(r.summary.backgrounds.map((b) => b.background)).toEqual(['solid 0', 'solid 1', 'checkerboard', 'inverse checkerboard']);
    // solid 0 shows the cells stuck at 1, solid 1 those stuck at 0; each cell is wrong in exactly one of the two checkerboards
    expect(r.summary.backgrounds.map((b) => b.bitsWrong).slice(0, 2)).toEqual([2, 2]);
    expect(r.summary.backgrounds[2]!.bitsWrong + r.summary.backgrounds[3]!.bitsWrong).toBe(4);
    expect(r.summary.stuckCells).toEqual([
      { row: 3, column: 0, stuckAt: 1 },
      { row: 17, column: 9, stuckAt: 0 },
      { row: 100, column: 23, stuckAt: 1 },
      { row: 255, column: 63, stuckAt: 0 },
    ]);
    const good = checked(await marchTest(context()));
    expect(good.passed).toBe(true);
    expect(good.summary.stuckCells).toEqual([]);
    expect(good.summary.backgrounds.map((b) => b.bitsWrong)).toEqual([0, 0, 0, 0]);
  });

  it('functional: passes on a good die, fails on one with stuck cells, as a parent run with child runs', async () => {
    const ctx = context();
    const good = checked(await functionalCheck(ctx, { randomVectors: 200, seed: 1 }));
    expect(good.passed).toBe(true);
    expect(ctx.store.childRuns(good.runId).map((c) => [c.label, c.state])).toEqual([
      ['corners', 'completed'],
      ['walking ones', 'completed'],
      ['random', 'completed'],
    ]);
    // corners: 4 + N vectors; walking ones: N x input bits; then the random ones
    expect(good.summary.steps.map((t) => [t.step, t.vectors, t.digitalMismatches])).toEqual([
      ['corners', 260, 0],
      ['walking ones', 256 * 8, 0],
      ['random', 200, 0],
    ]);
    expect(good.summary.steps.map((t) => t.runId)).toEqual(ctx.store.childRuns(good.runId).map((c) => c.id));
    expect(good.summary).toMatchObject({ vectors: 260 + 2048 + 200, digitalMismatches: 0 });
    const bad = checked(await functionalCheck(context(await stuckDie()), { randomVectors: 200, seed: 1 }));
    expect(bad.passed).toBe(false);
    expect(bad.summary.digitalMismatches).toBeGreaterThan(0);
    expect(bad.summary.digitalMismatches).toBe(bad.summary.steps.reduce((n, t) => n + t.digitalMismatches, 0));
  });

  it('snr-sweep: SNR falls as the boundary rises, measured close to the model', async () => {
    const progress: StatusDocument[] = [];
    const ctx = context();
    const r = checked(await snrSweep({ ...ctx, emit: (d) => d.type === 'status' && progress.push(d as StatusDocument) }, { ...small, from: 6, to: 12, skip: 0 }));
    // the sweep reports which step it is on, of how many, and when the whole sweep should end
    expect([...new Set(progress.map((p) => `${p.step?.index}/${p.step?.of} ${p.step?.name}`))]).toEqual([6, 7, 8, 9, 10, 11, 12].map((b, i) => `${i + 1}/7 b=${b}`));
    const lastOfStep = (k: number) => progress.filter((p) => p.step?.index === k).at(-1)!.step!;
    expect(lastOfStep(7).sweepEtaSeconds).toBe(0);
    expect(lastOfStep(1).sweepEtaSeconds).toBeGreaterThan(lastOfStep(4).sweepEtaSeconds!);
    const points = r.summary.points;
    expect(points.map((p) => p.boundary)).toEqual([6, 7, 8, 9, 10, 11, 12]);
    // hcim at b >= 6 always has an error: every SNR is finite
    const snr = points.map((p) => p.snrDb!);
    const model = points.map((p) => p.modelSnrDb!);
    for (let i = 1; i < snr.length; i++) expect(snr[i]).toBeLessThan(snr[i - 1]!);
    snr.forEach((v, i) => expect(Math.abs(v - model[i]!)).toBeLessThan(3));
    for (const p of points) expect(p.measuredPjPerMac).toBeGreaterThan(0);
    expect(points.map((p) => p.runId)).toEqual(ctx.store.childRuns(r.runId).map((c) => c.id));
  });

  it('power-per-mode: measured energy within 25 % of the model in every mode; DCIM near 10 TOPS/W', async () => {
    const r = checked(await powerPerMode(context(), { ...small, boundary: 9 }));
    const points = r.summary.points;
    expect(points.map((p) => p.mode)).toEqual(['dcim', 'acim', 'hcim b=9', 'osa']);
    for (const p of points) expect(p.measuredPjPerMac / p.modelPjPerMac).toBeGreaterThan(0.75);
    for (const p of points) expect(p.measuredPjPerMac / p.modelPjPerMac).toBeLessThan(1.25);
    expect(points[0]!.modelTopsPerWatt).toBeCloseTo(10, 6);
    for (const p of points) expect(p.topsPerWatt).toBeCloseTo(512 / p.measuredPjPerMac, 9); // one MAC of 256 rows is 512 operations
  });

  it('osa-points: higher thresholds trade SNR for energy gain; the Pareto front is marked', async () => {
    const r = checked(await osaPoints(context(), { ...small, offsets: [-12288, 0, 12288] }));
    const points = r.summary.points;
    expect(points.map((p) => p.offset)).toEqual([-12288, 0, 12288]);
    expect(points[1]!.thresholds).toEqual(DEFAULT_PROFILE.thresholds);
    expect(points[2]!.thresholds).toEqual(DEFAULT_PROFILE.thresholds.map((t) => t + 12288));
    expect(points[2]!.modelGainVsDcim).toBeGreaterThan(points[0]!.modelGainVsDcim);
    expect(points[2]!.snrDb!).toBeLessThan(points[0]!.snrDb!);
    expect(points[2]!.levelMix[0]).toBeGreaterThan(points[0]!.levelMix[0]!);
    for (const p of points) expect(p.levelMix.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(points.some((p) => p.pareto)).toBe(true);
  });

  it('repeatability: the same run repeated gives a small spread', async () => {
    const r = checked(await repeatability(context(), { ...small, times: 3, config: { mode: 'hcim', boundary: 9 } }));
    expect(r.summary.dies).toHaveLength(1);
    const die = r.summary.dies[0]!;
    expect(die.runs).toHaveLength(3);
    expect(die.snrDb.sd).toBeGreaterThan(0); // the silicon has noise
    expect(die.snrDb.sd).toBeLessThan(0.5);
    const snr = die.runs.map((x) => x.snrDb!);
    expect(die.snrDb.mean).toBeCloseTo(snr.reduce((a, b) => a + b, 0) / 3, 9);
    expect(die.snrDb.min).toBe(Math.min(...snr));
    expect(die.measuredPjPerMac.mean).toBeGreaterThan(0);
    // one die: nothing to compare it with
    expect(r.summary.betweenDies).toBeNull();
    expect(r.summary.withinDieSd).toBeNull();
  });

  it('repeatability over several dies: the noisy die stands out by more than the run-to-run spread', async () => {
    const ctx = context();
    const noisy = simBoardLink({ die: await loadDieConfig(new URL('../../drivers/sim/dies/noisy.json', import.meta.url).pathname), clock: systemClock });
    const r = checked(await repeatability(ctx, { ...small, times: 2, config: { mode: 'osa' }, boards: [ctx.board, noisy] }));
    const dies = r.summary.dies;
    expect(dies.map((d) => d.dieId)).toEqual(['SIM-DIE-0001', 'OSA-SS-0007']);
    expect(dies.every((d) => d.runs.length === 2)).toBe(true);
    expect(dies[1]!.snrDb.mean!).toBeLessThan(dies[0]!.snrDb.mean!); // 2 % column gain spread against 0.5 %
    const between = r.summary.betweenDies!.snrDb.sd!;
    const within = r.summary.withinDieSd!.snrDb!;
    expect(between).toBeGreaterThan(within);
    expect(r.summary.betweenDies!.snrDb.min).toBe(dies[1]!.snrDb.mean);
    expect(ctx.store.childRuns(r.runId).map((c) => c.label)).toEqual([
      'simulated board SIM-DIE-0001: repeat 1',
      'simulated board SIM-DIE-0001: repeat 2',
      'simulated board OSA-SS-0007: repeat 1',
      'simulated board OSA-SS-0007: repeat 2',
    ]);
    expect(dies.flatMap((d) => d.runs.map((x) => x.runId))).toEqual(ctx.store.childRuns(r.runId).map((c) => c.id));
    expect(formatProcedureReport(r).at(-1)).toMatch(/^2 dies: SNR .* dB \(sd .* between dies, .* within\)/);
  });

  it("adc-transfer: recovers the die's column gain and offset spread, and stores a calibration", async () => {
    const ctx = context(); // typical die: gain sigma 0.5 %, offset sigma 0.1 % of full scale (0.063 LSB)
    const r = checked(await adcTransfer(ctx, { repeat: 4 }));
    const { gain, offsetLsb: offset } = r.summary;
    expect(r.summary).toMatchObject({ rows: 256, repeat: 4 });
    expect(gain.mean).toBeCloseTo(1, 2);
    expect(gain.sd).toBeGreaterThan(0.003);
    expect(gain.sd).toBeLessThan(0.008);
    expect(offset.sd).toBeGreaterThan(0.03);
    expect(offset.sd).toBeLessThan(0.1);
    expect(r.summary.columns.map((c) => c.column)).toEqual([...Array(64).keys()]);
    for (const c of r.summary.columns) expect(c.noiseLsb).toBeGreaterThan(0);
    // the calibration record holds each column's fit, measured on this die, made by this procedure
    const cal = ctx.store.calibrationRecord(r.summary.calibrationId)!;
    expect(cal).toMatchObject({ id: r.summary.calibrationId, dieId: 'SIM-DIE-0001', sourceRunId: r.runId, notes: 'adc-transfer, 4 repeats' });
    expect(cal.gain).toEqual(r.summary.columns.map((c) => c.gain));
    expect(cal.offsetLsb).toEqual(r.summary.columns.map((c) => c.offsetLsb));
    expect(ctx.store.calibrations('SIM-DIE-0001').map((c) => c.id)).toEqual([r.summary.calibrationId]);
    // a later run refers to it; one on another die is refused, naming both dies
    const w = generateWorkload(DEFAULT_PROFILE, { kind: 'relu', vectors: 100, seed: 1 });
    const req = {
      profile: DEFAULT_PROFILE,
      config: { mode: 'osa' as const },
      weights: w.weights,
      vectors: matrixSource(w.vectors),
      source: { generator: 'relu', seed: 1 },
      calibrationId: r.summary.calibrationId,
    };
    const s = await executeRun(req, { store: ctx.store, board: ctx.board, clock: systemClock });
    expect(ctx.store.getRun(s.runId)!.provenance.calibration).toMatchObject({ id: r.summary.calibrationId });
    const other = simBoardLink({ die: parseDieConfig({ dieId: 'OTHER-DIE' }), clock: systemClock });
    await expect(executeRun(req, { store: ctx.store, board: other, clock: systemClock })).rejects.toThrow(/measured on die SIM-DIE-0001, the board carries OTHER-DIE/);
    // a record that does not fit the profile's columns is refused before the run
    const half = new Float64Array(32).fill(1);
    const bad = ctx.store.putCalibration({ dieId: 'SIM-DIE-0001', sourceRunId: null, gain: half, offsetLsb: half, notes: null }).id;
    await expect(executeRun({ ...req, calibrationId: bad }, { store: ctx.store, board: ctx.board, clock: systemClock })).rejects.toThrow(
      /calibration \d+ has 32 columns, the profile 64/,
    );
  });

  it('a run with a calibration reads each ADC column through it: on the noisy die, residual down and SNR up', async () => {
    const ctx = context(await loadDieConfig(new URL('../../drivers/sim/dies/noisy.json', import.meta.url).pathname)); // 2 % column gain spread
    const cal = checked(await adcTransfer(ctx, { repeat: 4 }));
    const w = generateWorkload(DEFAULT_PROFILE, { kind: 'relu', vectors: 400, seed: 2 });
    const req = {
      profile: DEFAULT_PROFILE,
      config: { mode: 'acim' as const },
      weights: w.weights,
      vectors: matrixSource(w.vectors),
      source: { generator: 'relu', seed: 2 },
    };
    const raw = await executeRun(req, { store: ctx.store, board: ctx.board, clock: systemClock });
    const calibrated = await executeRun({ ...req, calibrationId: cal.summary.calibrationId }, { store: ctx.store, board: ctx.board, clock: systemClock });
    // acim on this die: ADC noise (0.5 LSB) stays, the columns' gain and offset go
    expect(calibrated.codeResidualRmsLsb).toBeLessThan(raw.codeResidualRmsLsb * 0.95);
    expect(calibrated.snrDb!).toBeGreaterThan(raw.snrDb! + 1);
  });

  it('the CLI compares the dies given with --also, each on its own simulated board', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'osa-proc-')), 'p.db');
    const die = (name: string) => new URL(`../../drivers/sim/dies/${name}.json`, import.meta.url).pathname;
    const r = await cli(
      'procedure',
      'repeatability',
      '--board',
      'sim',
      '--die',
      die('typical'),
      '--also',
      die('noisy'),
      '--times',
      '2',
      '--vectors',
      '300',
      '--db',
      db,
      '--json',
    );
    expect(r.code).toBe(0);
    // --json prints the typed report as it is, numbers and all
    const report = procedureReportSchema.parse(JSON.parse(r.stdout));
    if (report.procedure !== 'repeatability') throw new Error(`a ${report.procedure} report`);
    expect(report.summary.dies.map((d) => d.dieId)).toEqual(['OSA-TT-0001', 'OSA-SS-0007']);
    expect(report.summary.betweenDies).toHaveProperty('snrDb');
  });

  it('the CLI exits non-zero when a check fails', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'osa-proc-')), 'p.db');
    const r = await cli('procedure', 'march', '--board', 'sim', '--die', new URL('../../drivers/sim/dies/stuck-cells.json', import.meta.url).pathname, '--db', db);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^march \(run \d+, [0-9a-f-]{36}\)\n {2}solid 0 {16}\d+ bit\(s\) read back wrong\n/);
    expect(r.stdout).toMatch(/FAIL: 4 stuck cell\(s\)/);
  });
});
