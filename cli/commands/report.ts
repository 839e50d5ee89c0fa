// osa-bench report RUN --out FILE.html: a self-contained HTML report of a run or a procedure
// (figures, plots, configuration, provenance) that opens offline (docs/export.md); with --compare
// (the run against the model) or --with RUN2 (run against run), the report of that comparison. The store and
// the report are imported when the command runs: --help starts without them.
import type { Command } from 'commander';
import { defaultDatabasePath } from '../../engine/store/default-path';
import { writeChunk, type CliIo } from '../io';
import { withStoreToRead } from './export';

export function addReportCommand(program: Command, io: CliIo): void {
  program
    .command('report <run>')
    .description(
      'write a self-contained HTML report of a run or a procedure: figures, plots, configuration and provenance, one file that opens offline (docs/export.md)',
    )
    .requiredOption('--out <file>', 'the HTML file to write')
    .option('--compare', 'the report of the run against the model: findings with their evidence, residuals, transfer, levels')
    .option('--with <run2>', 'the report of the run against run RUN2 over the same stimulus')
    .option('--db <file>', `SQLite store (default ${defaultDatabasePath()})`)
    .option('--json', 'print one JSON object with what was written')
    .action(async (ref: string, o: { out: string; db?: string; json?: boolean; compare?: boolean; with?: string }) => {
      if (o.compare || o.with !== undefined) {
        const { writeComparisonReport } = await import('../../engine/export/comparison-report');
        const c = await withStoreToRead(o.db, (store) => writeComparisonReport(store, ref, o.with ?? null, o.out));
        if (o.json) return writeChunk(io.stdout, `${JSON.stringify(c)}\n`);
        const what = c.withRunId === null ? `run ${c.runId} against the model (${c.findings} findings)` : `run ${c.runId} against run ${c.withRunId}`;
        return writeChunk(io.stdout, `wrote ${c.file}: the comparison of ${what}, ${(c.bytes / 1e3).toFixed(0)} kB\n`);
      }
      const { writeReport } = await import('../../engine/export/html-report');
      const r = await withStoreToRead(o.db, (store) => writeReport(store, ref, o.out));
      if (o.json) return writeChunk(io.stdout, `${JSON.stringify(r)}\n`);
      await writeChunk(io.stdout, `wrote ${r.file}: the report of ${r.kind} ${r.runId}, ${(r.bytes / 1e3).toFixed(0)} kB\n`);
    });
}
