// A logged run's export or report for a client: written to a file on the engine's machine (the
// API's export.write, the desktop app's save dialog) or onto any sink (GET /download/..., a
// browser's download). CSV, JSON Lines and Parquet are written block by block
// (engine/export/export-run.ts); an HTML report is one page (engine/export/html-report.ts). The
// writers are imported when first used: the engine starts without the Parquet writer loaded.
import { isAbsolute } from 'node:path';
import type { ExportFileFormat } from '../../shared/api/downloads';
import type { WrittenExport } from '../../shared/api/rpc';
import { FieldError } from '../../shared/api/run-options';
import type { ByteSink } from '../export/byte-sink';
import type { RunStore } from '../store/run-store';
import { RunNotFoundError } from './run-records';

export interface ExportRequest {
  readonly run: string | number;
  readonly format: ExportFileFormat;
  /** html: the report of the comparison of `run` with this run (run against run over the same stimulus) */
  readonly with?: string | number | undefined;
}

/** A run the request names is not in the store: `which` says which of the two. */
export class ExportedRunNotFoundError extends RunNotFoundError {
  constructor(
    ref: string | number,
    readonly which: 'run' | 'with',
  ) {
    super(ref);
  }
}

/** The run a request names (its row's id), refused before anything is written. */
export function exportedRunId(store: RunStore, req: ExportRequest): number {
  const row = store.getRun(req.run);
  if (!row) throw new ExportedRunNotFoundError(req.run, 'run');
  if (req.with !== undefined) {
    if (req.format !== 'html') throw new FieldError('with', `a comparison comes as a report: format html, not ${req.format}`);
    if (!store.getRun(req.with)) throw new ExportedRunNotFoundError(req.with, 'with');
  }
  return row.id;
}

/** Write the export or report to `out`, an absolute path in a folder that exists. */
export async function writeExportFile(store: RunStore, req: ExportRequest & { readonly out: string }): Promise<WrittenExport> {
  exportedRunId(store, req);
  if (!isAbsolute(req.out)) throw new FieldError('out', `must be an absolute path (the engine's working folder is not the client's), got ${req.out}`);
  if (req.format === 'html') {
    if (req.with !== undefined) {
      const { writeComparisonReport } = await import('../export/comparison-report');
      const r = await writeComparisonReport(store, req.run, req.with, req.out);
      return { path: r.file, bytes: r.bytes };
    }
    const { writeReport } = await import('../export/html-report');
    const r = await writeReport(store, req.run, req.out);
    return { path: r.file, bytes: r.bytes };
  }
  const { exportRun } = await import('../export/export-run');
  const r = await exportRun(store, req.run, req.out, { format: req.format });
  return { path: r.file, bytes: r.bytes };
}

/** Write the export or report onto `sink` (nothing is written before the run is found exportable). */
export async function streamExport(store: RunStore, req: ExportRequest, sink: ByteSink): Promise<void> {
  exportedRunId(store, req);
  if (req.format === 'html') {
    if (req.with !== undefined) {
      const { renderComparisonReport } = await import('../export/comparison-report');
      await sink.write((await renderComparisonReport(store, req.run, req.with)).html);
      return;
    }
    const { renderReport } = await import('../export/html-report');
    await sink.write(renderReport(store, req.run).html);
    return;
  }
  const { exportRunTo } = await import('../export/export-run');
  await exportRunTo(store, req.run, sink, { format: req.format });
}
