// osa-bench export RUN --format csv|json|parquet --out FILE: a logged run, one row per MAC, for
// pandas, polars and DuckDB (docs/export.md). The store and the writers are imported when the
// command runs: --help starts without them.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { RunStore } from '../../engine/store/run-store';
import { defaultDatabasePath } from '../../engine/store/default-path';
import { EXPORT_FORMATS, formatOfName, type ExportFormat } from '../../engine/export/formats';
import { writeChunk, type CliIo } from '../io';
import { oneOf } from '../options';

/**
 * Open the store for reading a run out of it (read-only where this user may not write it), and
 * close it after. A store that does not exist is refused rather than created. A refusal about
 * the RUN argument is reported without a flag name, as `runs resume` reports one.
 */
export async function withStoreToRead<T>(db: string | undefined, fn: (store: RunStore) => Promise<T>): Promise<T> {
  const path = db ?? defaultDatabasePath();
  const [{ storeWritable }, { openRunStore }, { FieldError }, { StoredRunError }] = await Promise.all([
    import('../../engine/store/open-store'),
    import('../../engine/store/store'),
    import('../../shared/api/run-options'),
    import('../../engine/store/stored-run'),
  ]);
  if (!existsSync(path)) throw new FieldError('db', `no store at ${path}${db === undefined ? ' (the default store: give --db FILE)' : ''}`);
  const { store } = openRunStore(path, { readonly: !storeWritable(path) });
  try {
    return await fn(store);
  } catch (e) {
    throw e instanceof FieldError && e.field === 'run' ? new StoredRunError(e.problem.startsWith('run') ? `the ${e.problem}` : e.problem) : e;
  } finally {
    store.close();
  }
}

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e6 ? 3 : 1)} MB`;

interface ExportCommandOptions {
  format?: ExportFormat;
  out: string;
  db?: string;
  json?: boolean;
  /** false with --no-model */
  model: boolean;
}

export function addExportCommand(program: Command, io: CliIo): void {
  program
    .command('export <run>')
    .description(
      "write a logged run (a procedure's steps, for a procedure) as CSV, JSON Lines or Parquet: one row per MAC, measured beside modelled, with the provenance (docs/export.md)",
    )
    .option('--format <format>', `${EXPORT_FORMATS.join(', ')} (default: from the name of --out)`, oneOf(EXPORT_FORMATS))
    .requiredOption('--out <file>', 'the file to write; written beside it and moved into place once complete')
    .option('--db <file>', `SQLite store (default ${defaultDatabasePath()})`)
    .option('--json', 'print one JSON object with what was written')
    .option('--no-model', "leave out the model's columns (model_yhat_xw, exact_y_xw, model_level): recomputing them costs about as much as reading the run")
    .action(async (ref: string, o: ExportCommandOptions) => {
      const { FieldError } = await import('../../shared/api/run-options');
      const format = o.format ?? formatOfName(o.out);
      if (!format) throw new FieldError('format', `not given, and the name ${o.out} does not say it: ${EXPORT_FORMATS.join(', ')}`);
      const { exportRun } = await import('../../engine/export/export-run');
      const r = await withStoreToRead(o.db, (store) => exportRun(store, ref, o.out, { format, model: o.model }));
      if (o.json) return writeChunk(io.stdout, `${JSON.stringify(r)}\n`);
      await writeChunk(
        io.stdout,
        `wrote ${r.file}: ${r.format}, ${r.rows} rows (MACs) of ${r.runs} run${r.runs === 1 ? '' : 's'} in ${r.blocks} blocks, ${megabytes(r.bytes)}\n`,
      );
    });
}
