// What a client may change or fetch of a logged run beside its documents: tags, notes, and one
// block's measured arrays. A run is named by its id or at least 6 characters of its GUID; a run
// that is not there is refused with a RunNotFoundError.
import type { BatchData } from '../../shared/api/documents';
import type { RunDetailDoc } from '../../shared/api/rpc';
import type { RunRowDoc } from '../../shared/api/runs';
import type { RunStore } from '../store/run-store';

export class RunNotFoundError extends Error {
  constructor(ref: string | number) {
    super(`no run '${ref}' in the store (give its number or at least 6 characters of its GUID)`);
    this.name = 'RunNotFoundError';
  }
}

/** One committed block: where it sits in the run and its arrays. */
export interface StoredBatch {
  readonly runId: number;
  readonly block: number;
  readonly firstVector: number;
  readonly vectors: number;
  readonly repeat: number;
  readonly outputs: number;
  readonly planes: number;
  readonly data: BatchData;
}

export interface RunRecords {
  /** the run's row with its notes and events */
  detail(ref: string | number): RunDetailDoc;
  /** add, then take off, tags; the run's row after */
  tag(ref: string | number, add: readonly string[], remove: readonly string[]): RunRowDoc;
  /** add a note; the run's notes after */
  note(ref: string | number, text: string): { runId: number; notes: { at: string; text: string }[] };
  /** one committed block with its arrays; null when the run has no such block (yet) */
  batch(runId: number, block: number): StoredBatch | null;
}

export function runRecords(store: RunStore): RunRecords {
  const find = (ref: string | number) => {
    const run = store.getRun(ref);
    if (!run) throw new RunNotFoundError(ref);
    return run;
  };
  return {
    detail(ref) {
      const run = find(ref);
      return { ...run, notes: store.notes(run.id), events: store.events(run.id) };
    },
    tag(ref, add, remove) {
      const run = find(ref);
      if (add.length > 0) store.tag(run.id, add);
      if (remove.length > 0) store.untag(run.id, remove);
      return find(run.id);
    },
    note(ref, text) {
      const run = find(ref);
      store.note(run.id, text);
      return { runId: run.id, notes: store.notes(run.id) };
    },
    batch(runId, block) {
      find(runId);
      // blocks come in order, one decoded at a time; leaving the loop closes the query
      for (const b of store.blocks(runId)) {
        if (b.block < block) continue;
        if (b.block > block) return null;
        const data = { digital: b.digital, saliency: b.saliency, level: b.level, codes: b.codes };
        return { runId, block: b.block, firstVector: b.firstVector, vectors: b.vectors, repeat: b.repeat, outputs: b.outputs, planes: b.planes, data };
      }
      return null;
    },
  };
}
