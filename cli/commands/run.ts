// osa-bench run: one characterization run on a board, logged in the store.
// The engine, the board links and the store are imported when a run starts: --help starts without them.
import type { Command } from 'commander';
import { defaultDatabasePath } from '../../engine/store/default-path';
import { ModeConfigError, MODES, resolveMode, type Mode, type ModeConfig } from '../../shared/model/modes';
import type { DieProfile } from '../../shared/model/profile';
import { MAX_WORKLOAD_VECTORS, WORKLOAD_KINDS, type WorkloadKind } from '../../shared/workload/generators';
import type { CliIo } from '../io';
import { integerIn, oneOf } from '../options';
import type { BenchRunOptions } from '../run-session';
import { withSessionOptions } from '../session-options';

interface RunOptions extends BenchRunOptions {
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

/** The run's inputs, read and checked before anything is sent to a board. */
async function inputs(o: RunOptions, profile: DieProfile) {
  if (o.workload) {
    if (o.vectorsFile || o.weightsFile) throw new ModeConfigError('--workload', 'give either --workload or --vectors-file with --weights-file, not both');
    if (o.vectors === undefined) throw new ModeConfigError('--vectors', 'required with --workload');
    const { workloadSource } = await import('../../shared/workload/generators');
    const w = workloadSource(profile, { kind: o.workload, vectors: o.vectors, seed: o.seed });
    return { vectors: w.vectors, weights: w.weights, source: { generator: o.workload, seed: o.seed } };
  }
  if (!o.vectorsFile || !o.weightsFile) throw new ModeConfigError('--vectors-file', 'give --workload KIND, or both --vectors-file and --weights-file');
  const [{ readVectorFile, readWeightFile }, { matrixSource }] = await Promise.all([import('../../engine/files/matrix-files'), import('../../shared/workload/vector-source')]);
  const weights = await readWeightFile(o.weightsFile, profile);
  const vectors = await readVectorFile(o.vectorsFile, profile);
  return { vectors: matrixSource(vectors), weights, source: { generator: `file:${o.vectorsFile}`, seed: null } };
}

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
    .option('--batch <n>', 'vectors per batch (default: about a second of link each, so progress and a stop come within seconds at any baud rate)', integerIn(1, 1_000_000))
    .option('--label <text>', 'a name for the run')
    .option('--tag <tag>', 'tag the run (repeatable)', collect, [])
    .option('--faults <spec>', 'sim: inject faults (see osa-bench sim --help)')
    .option('--sim-baud <b>', 'sim: pace the link at B baud (0 = unpaced)', integerIn(0, 100_000_000), 0)
    .option('--resume-within <ms>', 'after a disconnect, wait this long for the same board and resume', integerIn(0, 3_600_000), 10_000)
    .option('--no-wire-log', 'do not keep the raw wire lines')
    .option('--calibration <id>', 'a calibration record (from procedure adc-transfer) to read the ADC codes through: per column gain and offset; the raw codes are stored', integerIn(1, Number.MAX_SAFE_INTEGER))
    .option('--json', 'print one JSON object with the run figures at the end')
    .action(async (o: RunOptions) => {
      const [{ parseBoardAddress }, { parseFaultSpec }, { loadProfile }, { boardLinkFor }, { executeRun }, { runOnBench }] = await Promise.all([
        import('../../drivers/board-address'),
        import('../../drivers/sim/faults'),
        import('../../engine/files/profile-file'),
        import('../board-link-options'),
        import('../../engine/run/run-engine'),
        import('../run-session'),
      ]);
      const profile = await loadProfile(o.profile);
      const config: ModeConfig = { mode: o.mode, boundary: o.boundary, skip: o.skip };
      resolveMode(profile, config);
      const address = parseBoardAddress(o.board);
      const { vectors, weights, source } = await inputs(o, profile);
      if (address.kind !== 'sim' && (o.die || o.faults)) throw new ModeConfigError('--die', '--die and --faults apply to --board sim only');
      const link = await boardLinkFor(address, profile, { die: o.die, baud: o.simBaud, faults: o.faults ? parseFaultSpec(o.faults) : undefined });
      await runOnBench(o, io, link, async (deps, control, store) => {
        const summary = await executeRun(
          { profile, config, weights, vectors, source, repeat: o.repeat, batchVectors: o.batch, label: o.label, logWire: o.wireLog ? undefined : false, calibrationId: o.calibration },
          deps,
          control,
        );
        if (o.tag.length > 0) store.tag(summary.runId, o.tag);
        return summary;
      });
    });
}
