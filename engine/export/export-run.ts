// Export a logged run (or a procedure's steps) as CSV, JSON Lines or Parquet, block by block: the
// store is read one block at a time, each block's rows are formatted and handed to the sink, and
// the next block is read only once the sink has taken them (docs/export.md).
import { FieldError } from '../../shared/api/run-options';
import type { RunStore } from '../store/run-store';
import { appVersionOf } from './app-version';
import { fileSink, type ByteSink } from './byte-sink';
import { csvField, csvHeader, csvLines } from './csv-format';
import { blockRows, exportColumns } from './export-columns';
import { exportBlocks, exportSource, type ExportSource } from './export-source';
import { jsonBlockLine } from './json-format';
import { ParquetExport, type ParquetTuning } from './parquet-format';
import { EXPORT_FORMATS, type ExportFormat } from './formats';
import { exportHeader, runHeaders } from './run-header';

export { EXPORT_FORMATS, type ExportFormat } from './formats';

export interface ExportOptions {
  readonly format: ExportFormat;
  /** the clock of the export header's `exportedAt` */
  readonly now?: () => Date;
  readonly parquet?: ParquetTuning;
}

export interface ExportResult {
  readonly format: ExportFormat;
  /** the run asked for */
  readonly run: string;
  /** the measured runs whose rows the export holds */
  readonly runs: number;
  readonly blocks: number;
  readonly rows: number;
  readonly bytes: number;
}

/** CSV lines are handed to the sink in slices of this many rows, so a large block is not one string. */
const CSV_SLICE = 4096;

export function checkFormat(format: unknown): ExportFormat {
  if (typeof format === 'string' && (EXPORT_FORMATS as readonly string[]).includes(format)) return format as ExportFormat;
  throw new FieldError('format', `must be one of ${EXPORT_FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
}

/** Export run `ref` to the file `out`, written beside it and renamed into place once complete. */
export async function exportRun(store: RunStore, ref: string | number, out: string, options: ExportOptions): Promise<ExportResult & { file: string }> {
  const format = checkFormat(options.format);
  const source = exportSource(store, ref);
  const sink = await fileSink(out);
  try {
    const result = await writeExport(store, source, sink, { ...options, format });
    await sink.commit();
    return { ...result, file: sink.path };
  } catch (e) {
    await sink.discard();
    throw e;
  }
}

/** Export run `ref` onto any sink (a socket, a response): the same bytes as `exportRun` writes to a file. */
export async function exportRunTo(store: RunStore, ref: string | number, sink: ByteSink, options: ExportOptions): Promise<ExportResult> {
  const format = checkFormat(options.format);
  return writeExport(store, exportSource(store, ref), sink, { ...options, format });
}

async function writeExport(store: RunStore, source: ExportSource, sink: ByteSink, options: ExportOptions): Promise<ExportResult> {
  const header = exportHeader(store, source, options.now);
  const runs = runHeaders(store, source);
  let blocks = 0;
  let rows = 0;
  const eachBlock = async (fn: (rows: ReturnType<typeof blockRows>, run: number, b: Parameters<typeof jsonBlockLine>[1]) => Promise<void>) => {
    for (let r = 0; r < source.runs.length; r++) {
      const run = source.runs[r]!;
      for (const b of exportBlocks(store, run)) {
        const block = blockRows(run, b);
        await fn(block, r, b);
        blocks++;
        rows += block.length;
      }
    }
  };
  switch (options.format) {
    case 'csv': {
      await sink.write(csvHeader(exportColumns(source.planes)));
      await eachBlock(async (block) => {
        const prefix = `${csvField(block.run.row.guid)},${csvField(block.run.dieId)},`;
        for (let from = 0; from < block.length; from += CSV_SLICE) await sink.write(csvLines(block, prefix, from, Math.min(block.length, from + CSV_SLICE)));
      });
      break;
    }
    case 'json': {
      await sink.write(`${JSON.stringify(header)}\n`);
      for (const run of runs) await sink.write(`${JSON.stringify({ type: 'run', ...run })}\n`);
      await eachBlock((block, _, b) => sink.write(jsonBlockLine(block, b)));
      await sink.write(`${JSON.stringify({ type: 'end', runs: source.runs.length, blocks, rows })}\n`);
      break;
    }
    case 'parquet': {
      const metadata = [
        { key: 'osa-bench.export', value: JSON.stringify(header) },
        { key: 'osa-bench.runs', value: JSON.stringify(runs) },
      ];
      const parquet = new ParquetExport(sink, source, metadata, `${appVersionOf()} (hyparquet-writer)`, options.parquet);
      await eachBlock((block, run) => parquet.add(block, run));
      await parquet.finish();
      break;
    }
  }
  return { format: options.format, run: source.root.guid, runs: source.runs.length, blocks, rows, bytes: sink.bytes };
}
