// osa-bench run: one characterization run on a board, logged in the store.
import type { Command } from 'commander';
import { parseBoardAddress } from '../../drivers/board-address';
import { systemClock } from '../../drivers/clock';
import { parseFaultSpec } from '../../drivers/sim/faults';
import { readVectorFile, readWeightFile } from '../../engine/files/matrix-files';
import { loadProfile } from '../../engine/files/profile-file';
import { boardLinkFor } from '../board-link-options';
import { executeRun, RunControl, type RunSummary } from '../../engine/run/run-engine';
import { defaultDatabasePath } from '../../engine/store/default-path';
import { openRunStore } from '../../engine/store/store';
import { workerBlockWriter } from '../../engine/store/block-writer';
import { StoreError } from '../../engine/store/store-error';
import { ModeConfigError, MODES, resolveMode, type Mode, type ModeConfig } from '../../shared/model/modes';
import type { DieProfile } from '../../shared/model/profile';
import { MAX_WORKLOAD_VECTORS, WORKLOAD_KINDS, workloadSource, type WorkloadKind } from '../../shared/workload/generators';
import { matrixSource } from '../../shared/workload/vector-source';
import { writeChunk, type CliIo } from '../io';
import { integerIn, oneOf } from '../options';
import { ProgressReporter } from '../progress';
import { listenForRunKeys, RUN_KEYS_HELP } from '../run-keys';
import { startSession, withSessionOptions, type SessionOptions } from '../session-options';

interface RunOptions extends SessionOptions {
  board: string;
  db?: string;
  dbLimitMb?: number;
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
  batch: number;
  label?: string;
  tag: string[];
  faults?: string;
  simBaud: number;
  resumeWithin: number;
  wireLog: boolean;
  calibration?: number;
  json?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

/** A run that started and could not finish: exit code 1, not the 2 of bad input. */
class RunFailedError extends Error {
  override name = 'RunFailedError';
}

/** The run's inputs, read and checked before anything is sent to a board. */
async function inputs(o: RunOptions, profile: DieProfile) {
  if (o.workload) {
    if (o.vectorsFile || o.weightsFile) throw new ModeConfigError('--workload', 'give either --workload or --vectors-file with --weights-file, not both');
    if (o.vectors === undefined) throw new ModeConfigError('--vectors', 'required with --workload');
    const w = workloadSource(profile, { kind: o.workload, vectors: o.vectors, seed: o.seed });
    return { vectors: w.vectors, weights: w.weights, source: { generator: o.workload, seed: o.seed } };
  }
  if (!o.vectorsFile || !o.weightsFile) throw new ModeConfigError('--vectors-file', 'give --workload KIND, or both --vectors-file and --weights-file');
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
    .option('--batch <n>', 'vectors per batch', integerIn(1, 1_000_000), 4096)
    .option('--label <text>', 'a name for the run')
    .option('--tag <tag>', 'tag the run (repeatable)', collect, [])
    .option('--faults <spec>', 'sim: inject faults (see osa-bench sim --help)')
    .option('--sim-baud <b>', 'sim: pace the link at B baud (0 = unpaced)', integerIn(0, 100_000_000), 0)
    .option('--resume-within <ms>', 'after a disconnect, wait this long for the same board and resume', integerIn(0, 3_600_000), 10_000)
    .option('--no-wire-log', 'do not keep the raw wire lines')
    .option('--calibration <id>', 'a calibration record (from procedure adc-transfer) to read the ADC codes through: per column gain and offset; the raw codes are stored', integerIn(1, Number.MAX_SAFE_INTEGER))
    .option('--json', 'print one JSON object with the run figures at the end')
    .action(async (o: RunOptions) => {
      const profile = await loadProfile(o.profile);
      const config: ModeConfig = { mode: o.mode, boundary: o.boundary, skip: o.skip };
      resolveMode(profile, config);
      const address = parseBoardAddress(o.board);
      const { vectors, weights, source } = await inputs(o, profile);
      if (address.kind !== 'sim' && (o.die || o.faults)) throw new ModeConfigError('--die', '--die and --faults apply to --board sim only');
      const link = await boardLinkFor(address, profile, { die: o.die, baud: o.simBaud, faults: o.faults ? parseFaultSpec(o.faults) : undefined });
      const dbPath = o.db ?? defaultDatabasePath();
      const storeOptions = { maxBytes: o.dbLimitMb === undefined ? undefined : o.dbLimitMb * 1_000_000 };
      // Each thing opened is released in reverse order whatever fails after it: a writer thread
      // left running (a store locked at start) kept the process alive for ever.
      const release: (() => unknown)[] = [() => link.dispose()];
      const reporter = new ProgressReporter(io.stderr);
      let started = false;
      let summary: RunSummary;
      try {
        const { store, recovered } = openRunStore(dbPath, storeOptions);
        release.push(() => store.close());
        const sessionId = startSession(store, o);
        // a full or locked store: the run's own error says so; the session just keeps no end time
        release.push(() => store.endSession(sessionId));
        const writer = workerBlockWriter(dbPath, storeOptions);
        release.push(() => writer.close());
        release.push(() => reporter.done());
        if (recovered.length > 0) reporter.line(`marked ${recovered.length} run(s) left running by a process that is gone as interrupted: ${recovered.join(', ')}`);
        const control = new RunControl();
        let interrupts = 0;
        // SIGTERM (kill, a service manager) stops as Ctrl-C does, so the run ends 'aborted', not 'running'
        const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
          if (++interrupts > 1) process.exit(signal === 'SIGTERM' ? 143 : 130);
          reporter.line(`stopping after the batch in hand (${signal === 'SIGTERM' ? 'SIGTERM' : 'Ctrl-C'} again to quit at once)`);
          control.abort();
        };
        for (const signal of ['SIGINT', 'SIGTERM'] as const) {
          process.on(signal, onSignal);
          release.push(() => process.off(signal, onSignal));
        }
        const giveBackTerminal = listenForRunKeys(io.stdin, {
          togglePause: () => {
            if (control.isPaused) {
              reporter.line('resuming');
              control.resume();
            } else {
              reporter.line('pausing after the batch in hand (p to resume)');
              control.pause();
            }
          },
          stop: () => {
            reporter.line('stopping after the batch in hand');
            control.abort();
          },
          interrupt: () => onSignal('SIGINT'),
        });
        if (giveBackTerminal) {
          release.push(giveBackTerminal);
          reporter.line(RUN_KEYS_HELP);
        }
        started = true;
        summary = await executeRun(
          { profile, config, weights, vectors, source, repeat: o.repeat, batchVectors: o.batch, label: o.label, logWire: o.wireLog ? undefined : false, calibrationId: o.calibration },
          { store, writer, sessionId, telemetryMs: 1000, board: link, clock: systemClock, onProgress: (p) => reporter.progress(p), resumeWithinMs: o.resumeWithin },
          control,
        );
        if (o.tag.length > 0) store.tag(summary.runId, o.tag);
      } catch (e) {
        // the store failed under a run (a full disk, a lock): the run failed, the input was fine;
        // one that cannot take a run at all is named as the problem (exit 2)
        throw e instanceof StoreError && started ? new RunFailedError(e.message) : e;
      } finally {
        for (const undo of release.reverse()) {
          try {
            await undo();
          } catch {
            // releasing must go on: the error that matters is the one already thrown
          }
        }
      }
      const out = { ...summary, runId: summary.guid, id: summary.runId, db: o.db ?? defaultDatabasePath() };
      if (o.json) await writeChunk(io.stdout, `${JSON.stringify(out)}\n`);
      else await writeChunk(io.stdout, formatSummary(summary, out.db));
      if (summary.state !== 'completed') io.exit.code = 1;
    });
}

function formatSummary(s: RunSummary, dbPath: string): string {
  const db = (v: number | null) => (v === null ? 'inf' : `${v.toFixed(2)} dB`);
  return [
    `run ${s.runId} (${s.guid}) ${s.state}${s.reason ? `: ${s.reason}` : ''}`,
    `  vectors ${s.vectors}, MACs ${s.macs}${s.resumes ? `, resumed ${s.resumes} time(s)` : ''}`,
    `  SNR measured ${db(s.snrDb)}, model ${db(s.modelSnrDb)}; level agreement ${(100 * s.levelAgreement).toFixed(2)} %`,
    `  ADC code residual ${s.codeResidualMeanLsb.toFixed(3)} LSB mean, ${s.codeResidualRmsLsb.toFixed(3)} LSB rms; digital mismatches ${s.digitalMismatches}`,
    `  energy ${s.measuredPjPerMac.toFixed(2)} pJ/MAC measured, ${s.modelPjPerMac.toFixed(2)} modelled; gain vs dcim ${s.gainVsDcim.toFixed(3)} (model ${s.modelGainVsDcim.toFixed(3)})`,
    `  stored in ${dbPath}`,
    '',
  ].join('\n');
}
