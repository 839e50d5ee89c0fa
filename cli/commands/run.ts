// osa-bench run: one characterization run on a board, logged in the store.
// A thin client of the Bench service: flags become run options. The engine is imported when a run starts: --help starts without it.
import type { Command } from 'commander';
import { defaultDatabasePath } from '../../engine/store/default-path';
import { FieldError, type RunOptions } from '../../shared/api/run-options';
import { MODES, type Mode } from '../../shared/model/modes';
import { MAX_WORKLOAD_VECTORS, WORKLOAD_KINDS, type WorkloadKind } from '../../shared/workload/generators';
import type { CliIo } from '../io';
import { integerIn, oneOf } from '../options';
import type { BenchRunOptions } from '../run-session';
import { withSessionOptions } from '../session-options';

interface RunCommandOptions extends BenchRunOptions {
  resumeWithin: number;
  board: string;
  workload?: WorkloadKind;
  vectors?: number;
  seed: number;
  vectorsFile?: string;
  weightsFile?: string;
  mode: Mode;
  boundary?: number;
  skip?: number;
  profile?: string;
  die?: string;
  repeat: number;
  batch?: number;
  label?: string;
  tag: string[];
  faults?: string;
  simBaud: number;
  wireLog: boolean;
  calibration?: number;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function addRunCommand(program: Command, io: CliIo): void {
  withSessionOptions(program.command('run'))
    .description('stream a vector set through a board, compare every result with the model, log everything')
    .requiredOption('--board <address>', 'sim (the in-process simulated board), a device such as /dev/ttyUSB0, or tcp://HOST:PORT')
    .option('--db <file>', `SQLite store (default ${defaultDatabasePath()})`)
    .option('--db-limit-mb <MB>', 'fail the run, keeping what is committed, before the store grows past MB (a guard for the bench disk)', integerIn(1, 100_000_000))
    .option('--workload <kind>', `generate the stimulus: ${WORKLOAD_KINDS.join(', ')}`, oneOf(WORKLOAD_KINDS))
    .option('--vectors <T>', 'vectors to generate', integerIn(1, MAX_WORKLOAD_VECTORS))
    .option('--seed <S>', 'workload seed', integerIn(0, Number.MAX_SAFE_INTEGER), 1)
    .option('--vectors-file <file>', 'vectors, T x N (.csv or .npy)')
    .option('--weights-file <file>', 'weights, N x M (.csv or .npy)')
    .requiredOption('--mode <mode>', `mode: ${MODES.join(', ')}`, oneOf(MODES))
    .option('--boundary <b>', 'hcim: boundary b', integerIn(0, 31))
    .option('--skip <t>', 'hcim: skip line t', integerIn(0, 31))
    .option('--profile <file>', 'die profile JSON (default: the spec defaults)')
    .option('--die <file>', 'sim: die configuration JSON')
    .option('--repeat <R>', 'run each batch R times (noise, power averaging)', integerIn(1, 100_000), 1)
    .option(
      '--batch <n>',
      'vectors per batch (default: about a second of link each, so progress and a stop come within seconds at any baud rate)',
      integerIn(1, 1_000_000),
    )
    .option('--label <text>', 'a name for the run')
    .option('--tag <tag>', 'tag the run (repeatable)', collect, [])
    .option('--faults <spec>', 'sim: inject faults (see osa-bench sim --help)')
    .option('--sim-baud <b>', 'sim: pace the link at B baud (0 = unpaced)', integerIn(0, 100_000_000), 0)
    .option('--resume-within <ms>', 'after a disconnect, wait this long for the same board and resume', integerIn(0, 3_600_000), 10_000)
    .option('--no-wire-log', 'do not keep the raw wire lines')
    .option(
      '--calibration <id>',
      'a calibration record (from procedure adc-transfer) to read the ADC codes through: per column gain and offset; the raw codes are stored',
      integerIn(1, Number.MAX_SAFE_INTEGER),
    )
    .option('--json', 'print one JSON object with the run figures at the end')
    .action(async (o: RunCommandOptions) => {
      if (o.workload && o.vectors === undefined) throw new FieldError('vectors', 'required with a workload');
      const [{ runOnBench }, { printRunSummary }] = await Promise.all([import('../run-session'), import('../run-summary')]);
      const options: RunOptions = {
        board: o.board,
        profile: o.profile,
        die: o.die,
        faults: o.faults,
        simBaud: o.simBaud,
        workload: o.workload && o.vectors !== undefined ? { kind: o.workload, vectors: o.vectors, seed: o.seed } : undefined,
        vectorsFile: o.vectorsFile,
        weightsFile: o.weightsFile,
        mode: o.mode,
        boundary: o.boundary,
        skip: o.skip,
        repeat: o.repeat,
        batch: o.batch,
        label: o.label,
        tags: o.tag,
        wireLog: o.wireLog ? undefined : false,
        calibration: o.calibration,
        resumeWithinMs: o.resumeWithin,
      };
      const { outcome, dbPath } = await runOnBench(o, io, (bench) => bench.startRun(options));
      await printRunSummary(io, outcome, dbPath, o.json);
    });
}
