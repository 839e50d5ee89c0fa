// osa-bench runs resume RUN: take an interrupted run up again from its last committed batch.
// The engine, the board links and the store are imported when the run resumes: --help starts without them.
import type { Command } from 'commander';
import { defaultDatabasePath } from '../../engine/store/default-path';
import { ModeConfigError } from '../../shared/model/modes';
import type { CliIo } from '../io';
import { integerIn } from '../options';
import type { BenchRunOptions } from '../run-session';

interface ResumeCommandOptions extends BenchRunOptions {
  board: string;
  die?: string;
  faults?: string;
  simBaud: number;
  anyBoard?: boolean;
}

export function addRunsResumeCommand(runs: Command, io: CliIo): void {
  runs
    .command('resume <run>')
    .description('take an interrupted run (a crash, a kill, a disconnect that outlasted the wait) up again from its last committed batch, on a board of the same identity; every vector is measured once')
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
      const [{ parseBoardAddress }, { parseFaultSpec }, { resumeRun }, { readStoredRun }, { openRunStore }, { boardLinkFor }, { runOnBench }] = await Promise.all([
        import('../../drivers/board-address'),
        import('../../drivers/sim/faults'),
        import('../../engine/run/resume-run'),
        import('../../engine/store/stored-run'),
        import('../../engine/store/store'),
        import('../board-link-options'),
        import('../run-session'),
      ]);
      const address = parseBoardAddress(o.board);
      if (address.kind !== 'sim' && (o.die || o.faults)) throw new ModeConfigError('--die', '--die and --faults apply to --board sim only');
      // the simulated die takes the run's own profile, as the run's board did
      const peek = openRunStore(o.db ?? defaultDatabasePath(), { readonly: true }).store;
      let profile;
      try {
        profile = readStoredRun(peek, ref).profile;
      } finally {
        peek.close();
      }
      const link = await boardLinkFor(address, profile, { die: o.die, baud: o.simBaud, faults: o.faults ? parseFaultSpec(o.faults) : undefined });
      await runOnBench(o, io, link, (deps, control) => resumeRun(ref, deps, control, { anyBoard: o.anyBoard }), false);
    });
}
