// What an export reads: the run asked for, or, for a procedure's parent (which has no data of its
// own), every measured run below it, in order. Each measured run is read block by block with the
// model's expectation recomputed (engine/store/block-reader.ts), and each block becomes the rows of
// the export, one per MAC, as typed arrays (export-columns.ts).
import { FieldError } from '../../shared/api/run-options';
import { parseDieProfile, type DieProfile } from '../../shared/model/profile';
import { blocksWithModel, type BlockWithModel } from '../store/block-reader';
import type { RunRow, RunStore } from '../store/run-store';
import { StoredRunError } from '../store/stored-run';

/** A run whose blocks go into the export, with what its rows carry about it. */
export interface ExportRun {
  readonly row: RunRow;
  /** the die the run measured (from its provenance); '' when the provenance does not say */
  readonly dieId: string;
  readonly profile: DieProfile;
  /** the guid of the run asked for, when this run is one of its steps */
  readonly parentGuid: string | null;
}

/** The run asked for and the measured runs the export reads (itself, or its steps). */
export interface ExportSource {
  readonly root: RunRow;
  readonly runs: readonly ExportRun[];
  /** input bits x weight bits: the code columns, the same for every run of the export */
  readonly planes: number;
  readonly profile: DieProfile;
  /** MACs over every run: the rows the export will hold */
  readonly macs: number;
}

const dieIdOf = (row: RunRow) => {
  const id = (row.provenance as { dieId?: unknown }).dieId;
  return typeof id === 'string' ? id : '';
};

/** The run `ref` names (id, guid or guid prefix) and the runs its export reads; a FieldError on 'run' when there is nothing to export. */
export function exportSource(store: RunStore, ref: string | number): ExportSource {
  const root = store.getRun(ref);
  if (!root) throw new FieldError('run', `no run '${ref}' in ${store.path} (give its number or at least 6 characters of its GUID)`);
  const runs: ExportRun[] = [];
  const visit = (row: RunRow, parentGuid: string | null, depth: number) => {
    if (row.vectorSet) {
      const profile = parseDieProfile((row.config as { profile?: unknown }).profile ?? {}, `run ${row.id}'s stored profile`);
      runs.push({ row, dieId: dieIdOf(row), profile, parentGuid });
      return;
    }
    // a procedure's parent: its steps hold the data (a step that is itself a parent is walked too)
    if (depth < 8) for (const child of store.childRuns(row.id)) visit(child, row.guid, depth + 1);
  };
  visit(root, null, 0);
  const summaries = runs.map((r) => store.blockSummaries(r.row.id));
  const macs = summaries.reduce((sum, s) => sum + s.reduce((n, b) => n + b.summary.macs, 0), 0);
  if (runs.length === 0 || summaries.every((s) => s.length === 0)) {
    const what = root.vectorSet
      ? `it has no committed block (${root.state})`
      : runs.length === 0
        ? `it is a procedure's parent (${root.kind}) with no measured step`
        : `none of its ${runs.length} steps has a committed block`;
    throw new FieldError('run', `nothing to export from ${root.id} (${root.guid.slice(0, 8)}): ${what}`);
  }
  const first = runs[0] as ExportRun;
  const planes = first.profile.inputBits * first.profile.weightBits;
  const other = runs.find((r) => r.profile.inputBits * r.profile.weightBits !== planes);
  if (other)
    throw new FieldError('run', `the steps of ${root.id} have ${planes} and ${other.profile.inputBits * other.profile.weightBits} planes: export them one by one`);
  return { root, runs, planes, profile: first.profile, macs };
}

/** A run's blocks with the model's expectation beside them, one at a time; a run that cannot be read back is a FieldError on 'run'. */
export function* exportBlocks(store: RunStore, run: ExportRun): Generator<BlockWithModel> {
  const blocks = blocksWithModel(store, run.row.id);
  try {
    for (;;) {
      let next: IteratorResult<BlockWithModel>;
      try {
        // the stored run (profile, sets) is read on the first pull
        next = blocks.next();
      } catch (e) {
        throw e instanceof StoredRunError ? new FieldError('run', e.message) : e;
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    blocks.return(undefined);
  }
}
