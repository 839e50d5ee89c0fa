// osa-bench report RUN --out FILE.html: a self-contained HTML report of a run or a procedure
// (figures, plots, configuration, provenance) that opens offline (docs/export.md). The store and
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
    .option('--db <file>', `SQLite store (default ${defaultDatabasePath()})`)
    .option('--json', 'print one JSON object with what was written')
    .action(async (ref: string, o: { out: string; db?: string; json?: boolean }) => {
      const { writeReport } = await import('../../engine/export/html-report');
      const r = await withStoreToRead(o.db, (store) => writeReport(store, ref, o.out));
      if (o.json) return writeChunk(io.stdout, `${JSON.stringify(r)}\n`);
      await writeChunk(io.stdout, `wrote ${r.file}: the report of ${r.kind} ${r.runId}, ${(r.bytes / 1e3).toFixed(0)} kB\n`);
    });
}
