// What an export says about its runs, whatever its format: the run's identity, state,
// configuration, figures and provenance manifest (app, model hash, profile, board, die, content
// hashes of the sets, stimulus, calibration, host), its tags and notes. The JSON export writes it
// as its `run` lines, the Parquet export into its key-value metadata, the HTML report as tables.
import type { RunRow, RunStore } from '../store/run-store';
import { appVersionOf } from './app-version';
import { exportColumns, type ExportColumn } from './export-columns';
import type { ExportSource } from './export-source';

export const EXPORT_FORMAT = 'osa-bench-export';
export const EXPORT_VERSION = 2;

export interface RunHeader {
  readonly guid: string;
  readonly id: number;
  readonly parentGuid: string | null;
  readonly kind: string;
  readonly label: string | null;
  readonly state: string;
  readonly stateReason: string | null;
  readonly mode: string | null;
  readonly dieId: string | null;
  readonly vectorsTotal: number;
  readonly vectorsDone: number;
  readonly repeat: number;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly tags: readonly string[];
  readonly notes: readonly { at: string; text: string }[];
  readonly config: Record<string, unknown>;
  readonly summary: Record<string, unknown> | null;
  readonly provenance: Record<string, unknown>;
}

export function runHeader(store: RunStore, row: RunRow, parentGuid: string | null): RunHeader {
  const dieId = (row.provenance as { dieId?: unknown }).dieId;
  return {
    guid: row.guid,
    id: row.id,
    parentGuid,
    kind: row.kind,
    label: row.label,
    state: row.state,
    stateReason: row.stateReason,
    mode: row.mode,
    dieId: typeof dieId === 'string' ? dieId : null,
    vectorsTotal: row.vectorsTotal,
    vectorsDone: row.vectorsDone,
    repeat: row.repeat,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    tags: row.tags,
    notes: store.notes(row.id),
    config: row.config,
    summary: row.summary,
    provenance: row.provenance,
  };
}

/** The export as a whole: its format, the app that wrote it, the run asked for and the columns with their units. */
export interface ExportHeader {
  readonly type: 'export';
  readonly format: typeof EXPORT_FORMAT;
  readonly version: typeof EXPORT_VERSION;
  readonly exportedAt: string;
  readonly app: string;
  /** the run asked for (a procedure's parent when its steps are exported) */
  readonly run: string;
  readonly store: string;
  readonly rows: number;
  readonly columns: readonly ExportColumn[];
}

export function exportHeader(store: RunStore, source: ExportSource, now: () => Date = () => new Date(), model = true): ExportHeader {
  return {
    type: 'export',
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: now().toISOString(),
    app: appVersionOf(),
    run: source.root.guid,
    store: store.path,
    rows: source.macs,
    columns: exportColumns(source.planes, model),
  };
}

/** The root run and every run the export reads, root first (once, when it is itself measured). */
export function runHeaders(store: RunStore, source: ExportSource): RunHeader[] {
  const headers = [runHeader(store, source.root, null)];
  for (const r of source.runs) if (r.row.id !== source.root.id) headers.push(runHeader(store, r.row, r.parentGuid));
  return headers;
}
