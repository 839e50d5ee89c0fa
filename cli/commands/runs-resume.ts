// osa-bench runs resume RUN: take an interrupted run up again from its last committed batch.
// A thin client of the Bench service. The engine is imported when the run resumes: --help starts without it.
import type { Command } from 'commander';
import { defaultDatabasePath } from '../../engine/store/default-path';
import type { CliIo } from '../io';
import { integerIn } from '../options';
import type { BenchRunOptions } from '../run-session';

interface ResumeCommandOptions extends BenchRunOptions {
  board: string;
  die?: string;
  faults?: string;
  simBaud: number;
  anyBoard?: boolean;
  resumeWithin: number;
}

export function addRunsResumeCommand(runs: Command, io: CliIo): void {
  runs
    .command('resume <run>')
    .description(
      'take an interrupted run (a crash, a kill, a disconnect that outlasted the wait) up again from its last committed batch, on a board of the same identity; every vector is measured once',
    )
    .requiredOption('--board <address>', 'sim, a device such as /dev/ttyUSB0, or tcp://HOST:PORT')
    .option('--db <file>', `SQLite store (default ${defaultDatabasePath()})`)
    .option('--db-limit-mb <MB>', 'fail the run, keeping what is committed, before the store grows past MB', integerIn(1, 100_000_000))
    .option('--any-board', 'go on on a board of another identity (the run then mixes two boards: the event log says so)')
    .option('--die <file>', 'sim: die configuration JSON')
    .option('--faults <spec>', 'sim: inject faults (see osa-bench sim --help)')
    .option('--sim-baud <b>', 'sim: pace the link at B baud (0 = unpaced)', integerIn(0, 100_000_000), 0)
    .option('--resume-within <ms>', 'after a disconnect, wait this long for the same board and resume', integerIn(0, 3_600_000), 10_000)
    .option('--json', 'print one JSON object with the run figures at the end')
    .action(async (ref: string, o: ResumeCommandOptions) => {
      const [{ runOnBench }, { printRunSummary }] = await Promise.all([import('../run-session'), import('../run-summary')]);
      const { outcome, dbPath } = await runOnBench(o, io, (bench) =>
        bench.resumeRun(ref, { board: o.board, die: o.die, faults: o.faults, simBaud: o.simBaud, anyBoard: o.anyBoard, resumeWithinMs: o.resumeWithin }),
      );
      await printRunSummary(io, outcome, dbPath, o.json);
    });
}
