// One logged run against the model (docs/replay-compare.md): the run's figures from its block
// summaries first; then one pass over its blocks (a big run's: those its summaries point at and a
// spread, passVectors of them), streamed, for the residuals, columns, transfer curve, levels,
// energy and outliers; then a second pass over a sample of blocks for stuck cells; then the
// findings. Memory stays flat whatever the run's size: one block at a time. A big run is compared
// in a comparison thread, so the engine's event loop stays free.
import type { RunComparison } from '../../shared/api/compare';
import { FieldError } from '../../shared/api/run-options';
import { brokenColumns, columnOutliers, digitalFindings, stuckCellFindings, thresholdMisfires } from '../../shared/analysis/findings';
import { burstEnergyPj, RunFiguresAccumulator } from '../../shared/analysis/run-figures';
import { AnalysisContext, SiliconAnalyzer, type AnalysisBlock } from '../../shared/analysis/silicon-vs-model';
import { StuckCellScan } from '../../shared/analysis/stuck-cells';
import type { VectorSource } from '../../shared/workload/vector-source';
import type { BlockSummaryRecord, RunStore, StoredBlock } from '../store/run-store';
import { readStoredRun, StoredRunError, type StoredRun } from '../store/stored-run';
import { measuredAdcBits, readBlock, runCalibration, yielder } from '../replay/stored-blocks';
import { inThread, threadsFor, THREADS_FROM } from './compare-threads';

export interface CompareRunOptions {
  /** vectors the stuck-cell scan reads, blocks spread over the run (default 4096) */
  readonly scanVectors?: number;
  /** outliers listed (default 20) */
  readonly outliers?: number;
  /**
   * vectors the first pass (the per-MAC views) reads at most (default 65,536): all of a smaller
   * run; of a bigger one, the blocks whose summaries show faults or the largest residuals first,
   * then blocks spread evenly over the run
   */
  readonly passVectors?: number;
  /** where it runs: 'auto' in a comparison thread for runs of THREADS_FROM vectors and more (a store in a file), 'threads' always there, 'here' in the caller's thread */
  readonly threads?: 'auto' | 'threads' | 'here';
}

const SCAN_VECTORS = 4096;
const PASS_VECTORS = 65_536;
const OUTLIERS = 20;
const CODE_RANGE = 16;

/**
 * The run a comparison reads, refused, naming the field, when it cannot be read back or has no
 * committed block; its block summaries are not read (what the engine's thread checks before a
 * comparison thread reads the run).
 */
export function checkedRun(store: RunStore, ref: string | number, field = 'run'): { stored: StoredRun } {
  // the run itself is refused as StoredRunError (field 'run'), another run by its own field
  const refuse = (message: string) => (field === 'run' ? new StoredRunError(message) : new FieldError(field, message));
  let stored: StoredRun;
  try {
    stored = readStoredRun(store, ref);
  } catch (e) {
    throw e instanceof StoredRunError ? refuse(e.message) : e;
  }
  if (store.committedExtent(stored.row.id).nextBlock === 0) throw refuse(`run ${stored.row.id} has no committed block: nothing to compare`);
  return { stored };
}

/** The run a comparison reads, refused as checkedRun refuses it, with its block summaries. */
export function comparableRun(store: RunStore, ref: string | number, field = 'run'): { stored: StoredRun; summaries: BlockSummaryRecord[] } {
  const { stored } = checkedRun(store, ref, field);
  return { stored, summaries: store.blockSummaries(stored.row.id) };
}

export function comparedRun(stored: StoredRun, summaries: readonly BlockSummaryRecord[]): RunComparison['run'] {
  const { row } = stored;
  const dieId = (row.provenance as { dieId?: unknown }).dieId;
  const last = summaries.at(-1);
  return {
    runId: row.id,
    guid: row.guid,
    kind: row.kind,
    label: row.label,
    parentId: row.parentId,
    mode: row.mode,
    dieId: typeof dieId === 'string' ? dieId : null,
    vectorSet: row.vectorSet ?? '',
    weightSet: row.weightSet ?? '',
    vectors: last ? last.firstVector + last.vectors : 0,
    repeat: stored.repeat,
  };
}

export function analysisBlock(b: StoredBlock, vectors: VectorSource): AnalysisBlock {
  return { ...b, inputs: vectors.read(b.firstVector, b.vectors) };
}

export async function compareRun(store: RunStore, ref: string | number, options: CompareRunOptions = {}): Promise<RunComparison> {
  // refused here, naming the field, before any thread starts; no summary is read in this thread
  const { stored } = checkedRun(store, ref);
  const where = options.threads ?? 'auto';
  const vectors = store.committedExtent(stored.row.id).vectors;
  if (where === 'threads' || (where === 'auto' && vectors >= THREADS_FROM && threadsFor(store.path))) {
    return inThread({ kind: 'run', path: store.path, run: stored.row.id, options: { ...options, threads: 'here' } });
  }
  return compareRunHere(store, stored.row.id, options);
}

/** One run against the model, in this thread (what a comparison thread does). */
export async function compareRunHere(store: RunStore, ref: string | number, options: CompareRunOptions = {}): Promise<RunComparison> {
  const { stored, summaries } = comparableRun(store, ref);
  const { row, profile, config, weights, vectors } = stored;
  const pause = yielder();

  // the block summaries first: the run's figures without a blob read, and the ranges of the histograms
  const figures = new RunFiguresAccumulator(profile);
  let macs = 0;
  let errorSq = 0;
  let modelErrorSq = 0;
  let codeMin = Infinity;
  let codeMax = -Infinity;
  for (const s of summaries) {
    figures.add(s.summary, burstEnergyPj(s.power), s.power.dieTempC);
    macs += s.summary.macs;
    errorSq += s.summary.errorSq;
    modelErrorSq += s.summary.modelErrorSq;
    if (s.summary.codeResidualCount > 0) {
      codeMin = Math.min(codeMin, s.summary.codeResidualMin);
      codeMax = Math.max(codeMax, s.summary.codeResidualMax);
    }
  }
  const rms = Math.sqrt(Math.max(errorSq, modelErrorSq) / Math.max(1, macs));
  const bits = measuredAdcBits(row, profile.adcBits);
  const ctx = new AnalysisContext({ profile, config, weights, measuredAdcBits: bits, calibration: runCalibration(store, row.id) });
  const analyzer = new SiliconAnalyzer(ctx, {
    yhatRange: rms > 0 ? 6 * rms : 1,
    codeLo: Number.isFinite(codeMin) ? Math.max(-CODE_RANGE, Math.min(-1, Math.floor(codeMin))) : -1,
    codeHi: Number.isFinite(codeMax) ? Math.min(CODE_RANGE, Math.max(1, Math.ceil(codeMax))) : 1,
    outliers: options.outliers ?? OUTLIERS,
  });

  // pass 1: every block of a run up to passVectors, else those of its summaries' faults and extremes and a spread
  for (const s of passBlocks(summaries, options.passVectors ?? PASS_VECTORS, options.outliers ?? OUTLIERS)) {
    analyzer.addBlock(analysisBlock(readBlock(store, row.id, s), vectors));
    await pause();
  }
  const analysis = analyzer.result();

  // the columns that follow no line are named first, and left out of the stuck-cell scan
  const broken = brokenColumns(analysis.columns);
  const skip = new Set(broken.map((f) => (f as { column: number }).column));

  // pass 2: a sample of blocks spread over the run
  const scan = new StuckCellScan(ctx, skip);
  for (const s of sampleBlocks(summaries, options.scanVectors ?? SCAN_VECTORS)) {
    scan.addBlock(analysisBlock(readBlock(store, row.id, s), vectors));
    await pause();
  }
  const stuck = scan.result();

  return {
    kind: 'run',
    run: comparedRun(stored, summaries),
    geometry: {
      rows: profile.rows,
      outputs: profile.outputs,
      inputBits: profile.inputBits,
      weightBits: profile.weightBits,
      adcBits: profile.adcBits,
      measuredAdcBits: bits,
    },
    config: { mode: config.mode, boundary: config.boundary ?? null, skip: config.skip ?? null },
    macs: analysis.macs,
    figures: figures.figures(),
    yhatResidual: analysis.yhatResidual,
    yhatError: analysis.yhatError,
    modelYhatError: analysis.modelYhatError,
    codeResidual: analysis.codeResidual,
    planes: analysis.planes,
    columns: analysis.columns.map((c) => ({
      column: c.column,
      output: c.output,
      weightBit: c.weightBit,
      count: c.count,
      meanLsb: c.meanLsb,
      sdLsb: c.sdLsb,
      minLsb: c.minLsb,
      maxLsb: c.maxLsb,
      gain: stuck.lines[c.column]?.gain ?? null,
      offsetLsb: stuck.lines[c.column]?.offset ?? null,
      fitSdLsb: stuck.lines[c.column]?.sd ?? null,
      zeroFraction: c.zeroFraction,
      idealZeroFraction: c.idealZeroFraction,
      topFraction: c.topFraction,
      idealTopFraction: c.idealTopFraction,
    })),
    transfer: stuck.transfer,
    levels: analysis.levels,
    energy: analysis.energy,
    outliers: analysis.outliers,
    findings: [
      ...stuckCellFindings(stuck.cells),
      ...broken,
      ...columnOutliers(analysis.columns, stuck.lines, skip, stuck.cells),
      ...thresholdMisfires(analysis.thresholds),
      ...digitalFindings(stuck.digital),
    ],
    scan: { vectors: stuck.vectors, blocks: stuck.blocks },
  };
}

/**
 * The first pass's blocks, about `vectors` vectors (all of them in a smaller run), in block order:
 * blocks whose summaries show a digital mismatch or a level the model did not choose (a fault
 * shows there) when they are few, up to a quarter; the `outliers` blocks with the largest
 * |measured - model yhat| in their summaries (the largest outliers of the run are in them: a block
 * left out has at least that many MACs above its largest), up to half; then blocks spread evenly.
 */
export function passBlocks(summaries: readonly BlockSummaryRecord[], vectors: number, outliers: number): BlockSummaryRecord[] {
  const total = summaries.reduce((s, b) => s + b.vectors, 0);
  if (total <= vectors) return [...summaries];
  const taken = new Set<BlockSummaryRecord>();
  let budget = vectors;
  const take = (list: readonly BlockSummaryRecord[], limit: number) => {
    let used = 0;
    for (const s of list) {
      if (used + s.vectors > limit) break;
      if (taken.has(s)) continue;
      taken.add(s);
      used += s.vectors;
    }
    budget -= used;
  };
  const faulty = summaries.filter((s) => s.summary.digitalMismatches > 0 || s.summary.levelAgreements < s.summary.macs);
  if (faulty.length < summaries.length) take(faulty, vectors / 4);
  const extreme = (s: BlockSummaryRecord) => Math.max(Math.abs(s.summary.yhatResidualMin), Math.abs(s.summary.yhatResidualMax));
  take([...summaries].sort((x, y) => extreme(y) - extreme(x)).slice(0, outliers), vectors / 2);
  spread(summaries, taken, budget);
  return summaries.filter((s) => taken.has(s));
}

/** Add blocks spread evenly over the run, about `budget` vectors of them, to `taken`. */
function spread(summaries: readonly BlockSummaryRecord[], taken: Set<BlockSummaryRecord>, budget: number): void {
  const rest = summaries.filter((s) => !taken.has(s));
  const total = rest.reduce((t, s) => t + s.vectors, 0);
  if (total <= 0 || budget <= 0) return;
  const share = budget / total;
  let seen = 0;
  let picked = 0;
  for (const s of rest) {
    seen += s.vectors;
    if (picked < seen * share) {
      taken.add(s);
      picked += s.vectors;
    }
  }
}

/**
 * Blocks holding about `vectors` vectors (all of them in a smaller run): those whose digital sums
 * differ from the model's first, when they are few (a link or logic fault shows there), then
 * blocks spread evenly over the run.
 */
export function sampleBlocks(summaries: readonly BlockSummaryRecord[], vectors: number): BlockSummaryRecord[] {
  const total = summaries.reduce((s, b) => s + b.vectors, 0);
  if (total <= vectors) return [...summaries];
  const taken = new Set<BlockSummaryRecord>();
  let budget = vectors;
  const mismatching = summaries.filter((s) => s.summary.digitalMismatches > 0);
  if (mismatching.length > 0 && mismatching.length < summaries.length) {
    for (const s of mismatching) {
      if (s.vectors > budget / 2) break;
      taken.add(s);
      budget -= s.vectors;
    }
  }
  const share = budget / total;
  let seen = 0;
  let picked = 0;
  for (const s of summaries) {
    seen += s.vectors;
    if (!taken.has(s) && picked < seen * share) {
      taken.add(s);
      picked += s.vectors;
    }
  }
  return summaries.filter((s) => taken.has(s));
}
