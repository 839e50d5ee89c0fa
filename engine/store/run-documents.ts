// A run's documents made from what the store holds: the live run emits them from the same rows and
// blocks it has just written, and a stored run is read back as them (the base of replay), so the
// two agree on every data field by construction and by test.
import type { BatchDocument, DescriptorDocument, RunDocument, StartDocument, StopDocument, TerminalState, UnnumberedDocument } from '../../shared/api/documents';
import { batchDataKeys, FIGURE_UNITS, TERMINAL_STATES } from '../../shared/api/documents';
import { blockFigures, type ResidualHistograms } from '../../shared/api/figures';
import { ResidualHistogramsAccumulator } from '../../shared/analysis/block-sample';
import { burstEnergyPj, RunFiguresAccumulator, type RunFigures } from '../../shared/analysis/run-figures';
import { parseDieProfile } from '../../shared/model/profile';
import type { RunRow, RunStore, StoredBlock } from './run-store';

type Unnumbered<D> = Omit<D, 'seq'>;

export function startDocument(row: RunRow): Unnumbered<StartDocument> {
  return {
    type: 'start',
    runId: row.id,
    guid: row.guid,
    kind: row.kind,
    label: row.label,
    parentId: row.parentId,
    mode: row.mode,
    config: row.config,
    provenance: row.provenance,
    vectorSet: row.vectorSet,
    weightSet: row.weightSet,
    vectorsTotal: row.vectorsTotal,
    repeat: row.repeat,
    calibrationId: calibrationOf(row),
    time: row.startedAt,
  };
}

function calibrationOf(row: RunRow): number | null {
  const c = (row.provenance as { calibration?: { id?: unknown } | null }).calibration;
  return typeof c?.id === 'number' ? c.id : null;
}

export function descriptorDocument(runId: number, outputs: number, planes: number): Unnumbered<DescriptorDocument> {
  return { type: 'descriptor', runId, dataKeys: batchDataKeys(outputs, planes), figureUnits: FIGURE_UNITS };
}

/**
 * A committed block as its batch document; `run` is the run's figures with this block added,
 * `residuals` the run's residual histograms with this block's sample added (when it has one).
 */
export function batchDocument(runId: number, b: StoredBlock, run: RunFigures, withData: boolean, residuals: ResidualHistograms | null): Unnumbered<BatchDocument> {
  const sample = b.summary.sample;
  const doc: Unnumbered<BatchDocument> = {
    type: 'batch',
    runId,
    block: b.block,
    firstVector: b.firstVector,
    vectors: b.vectors,
    repeat: b.repeat,
    outputs: b.outputs,
    planes: b.planes,
    figures: blockFigures(b.summary),
    power: b.power,
    run,
    ...(sample && residuals ? { sample, residuals } : {}),
  };
  return withData ? { ...doc, data: { digital: b.digital, saliency: b.saliency, level: b.level, codes: b.codes } } : doc;
}

export function stopDocument(row: RunRow): Unnumbered<StopDocument> | null {
  const state = row.state;
  if (!(TERMINAL_STATES as readonly string[]).includes(state)) return null;
  return { type: 'stop', runId: row.id, state: state as TerminalState, reason: row.stateReason, summary: row.summary ?? {}, time: row.endedAt ?? row.startedAt };
}

/**
 * A stored run read back as its documents, in stream order: start, descriptor, a batch per block
 * (with its data when `withData`), stop; a procedure's parent holds its child runs' documents
 * between its start and stop. Numbered from 0, as a fresh stream would be.
 */
export function* readRunDocuments(store: RunStore, runId: number, options: { withData?: boolean } = {}): Generator<RunDocument> {
  let seq = 0;
  for (const d of unnumbered(store, runId, options.withData ?? false)) yield { ...d, seq: seq++ };
}

function* unnumbered(store: RunStore, runId: number, withData: boolean): Generator<UnnumberedDocument> {
  const row = store.getRun(runId);
  if (!row) return;
  yield startDocument(row);
  if (row.vectorSet) {
    const profile = parseDieProfile((row.config as { profile?: unknown }).profile ?? {}, `run ${row.id}'s stored profile`);
    yield descriptorDocument(runId, profile.outputs, profile.inputBits * profile.weightBits);
    const figures = new RunFiguresAccumulator(profile);
    const residuals = new ResidualHistogramsAccumulator();
    for (const b of withData ? store.blocks(runId, { samples: true }) : summariesAsBlocks(store, runId)) {
      figures.add(b.summary, burstEnergyPj(b.power), b.power.dieTempC);
      residuals.add(b.summary.sample);
      yield batchDocument(runId, b, figures.figures(), withData, residuals.result());
    }
  } else {
    for (const child of store.childRuns(runId)) yield* unnumbered(store, child.id, withData);
  }
  const stop = stopDocument(row);
  if (stop) yield stop;
}

/** Block summaries standing in for blocks where the data is not wanted: no blob is decoded. */
function* summariesAsBlocks(store: RunStore, runId: number): Generator<StoredBlock> {
  const none = { digital: new Float64Array(0), saliency: new Float64Array(0), level: new Uint8Array(0), codes: new Int16Array(0) };
  for (const s of store.blockSummaries(runId, { samples: true })) yield { ...s, ...none };
}
