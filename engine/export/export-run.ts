// Export a logged run (or a procedure's steps) as CSV, JSON Lines or Parquet, block by block: the
// store is read one block at a time, each block's rows are formatted and handed to the sink, and
// the next block is read only once the sink has taken them (docs/export.md).
import { FieldError } from '../../shared/api/run-options';
import type { RunStore } from '../store/run-store';
import { appVersionOf } from './app-version';
import { fileSink, type ByteSink } from './byte-sink';
import { csvField, csvHeader, csvLines } from './csv-format';
import { blockRows, exportColumns } from './export-columns';
import { exportSource, type ExportSource } from './export-source';
import { jsonBlockLine } from './json-format';
import { encodeBlock, PARQUET_DEFAULTS, parquetPlan, ParquetAssembler, type ParquetTuning } from './parquet-format';
import { encodeInThreads } from './parquet-pool';
import { RunBlocks, type ExportBlock } from './export-blocks';
import { StoredRunError } from '../store/stored-run';
import { EXPORT_FORMATS, type ExportFormat } from './formats';
import { exportHeader, runHeaders } from './run-header';

export { EXPORT_FORMATS, type ExportFormat } from './formats';

export interface ExportOptions {
  readonly format: ExportFormat;
  /** the clock of the export header's `exportedAt` */
  readonly now?: () => Date;
  readonly parquet?: Partial<ParquetTuning>;
  /**
   * Whether the model's columns (model_yhat_xw, exact_y_xw, model_level) are written: recomputing them
   * from the stimulus costs about as much as reading the run (default true).
   */
  readonly model?: boolean;
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
  const model = options.model ?? true;
  const header = exportHeader(store, source, options.now, model);
  const runs = runHeaders(store, source);
  let blocks = 0;
  let rows = 0;
  const eachBlock = async (fn: (rows: ReturnType<typeof blockRows>, run: number, b: ExportBlock) => Promise<void>) => {
    for (let r = 0; r < source.runs.length; r++) {
      const run = source.runs[r]!;
      const reader = runBlocks(store, run.row.id, model);
      for (const s of store.blockSummaries(run.row.id)) {
        const b = reader.read(s);
        const block = blockRows(run, b);
        await fn(block, r, b);
        blocks++;
        rows += block.length;
      }
    }
  };
  switch (options.format) {
    case 'csv': {
      await sink.write(csvHeader(exportColumns(source.planes, model)));
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
      ({ blocks, rows } = await writeParquet(store, source, sink, metadata, { ...PARQUET_DEFAULTS, ...options.parquet }, model));
      break;
    }
  }
  return { format: options.format, run: source.root.guid, runs: source.runs.length, blocks, rows, bytes: sink.bytes };
}

/** A run's stored run (sets, profile, configuration), read now: a run that cannot be read back is a FieldError on 'run'. */
function runBlocks(store: RunStore, runId: number, model: boolean): RunBlocks {
  try {
    return new RunBlocks(store, runId, model);
  } catch (e) {
    throw e instanceof StoredRunError ? new FieldError('run', e.message) : e;
  }
}

/** The Parquet file: blocks encoded in threads when the export is large enough to pay for starting them, else here. */
async function writeParquet(
  store: RunStore,
  source: ExportSource,
  sink: ByteSink,
  metadata: { key: string; value: string }[],
  tuning: ParquetTuning,
  model: boolean,
): Promise<{ blocks: number; rows: number }> {
  const plan = parquetPlan(source, tuning, model);
  const parquet = new ParquetAssembler(sink, plan, metadata, `${appVersionOf()} (hyparquet-writer)`);
  const threads = source.macs >= tuning.workerMinMacs && store.path !== ':memory:' ? tuning.workers : 0;
  // each run read now, so that one that cannot be read back is refused before anything is written (the threads read them again)
  const readers = source.runs.map((r) => runBlocks(store, r.row.id, model && threads === 0));
  let blocks = 0;
  const take = async (e: Parameters<ParquetAssembler['add']>[0]) => {
    await parquet.add(e);
    blocks++;
  };
  if (threads > 0) {
    const jobs = source.runs.flatMap((r, run) => store.blockSummaries(r.row.id).map((summary) => ({ run, summary })));
    await encodeInThreads({ path: store.path, plan, runIds: source.runs.map((r) => r.row.id) }, threads, jobs, take);
  } else {
    for (let run = 0; run < source.runs.length; run++) {
      for (const s of store.blockSummaries(source.runs[run]!.row.id)) await take(encodeBlock(plan, readers[run]!.read(s), run));
    }
  }
  await parquet.finish();
  return { blocks, rows: parquet.rows };
}
