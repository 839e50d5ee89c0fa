// osa-bench procedure NAME: the characterization procedures of spec section 5.
// A thin client of the Bench service: flags become a procedure's parameters. The engine is
// imported when a procedure runs: --help starts without it.
import type { Command } from 'commander';
import { defaultDatabasePath } from '../../engine/store/default-path';
import type { ProcedureName } from '../../shared/api/run-options';
import { MODES, type Mode } from '../../shared/model/modes';
import { MAX_WORKLOAD_VECTORS, WORKLOAD_KINDS, type WorkloadKind } from '../../shared/workload/generators';
import { writeChunk, type CliIo } from '../io';
import { integerIn, oneOf } from '../options';
import { formatProcedureReport } from '../procedure-report-format';
import { withSessionOptions, type SessionOptions } from '../session-options';

interface Common extends SessionOptions {
  board: string;
  db?: string;
  profile?: string;
  die?: string;
  json?: boolean;
}

interface Workload {
  workload: WorkloadKind;
  vectors: number;
  seed: number;
}

const workloadOf = (o: Workload) => ({ workload: o.workload, vectors: o.vectors, seed: o.seed });

function common(cmd: Command): Command {
  return withSessionOptions(cmd)
    .requiredOption('--board <address>', 'sim, a device such as /dev/ttyUSB0, or tcp://HOST:PORT')
    .option('--db <file>', `SQLite store (default ${defaultDatabasePath()})`)
    .option('--profile <file>', 'die profile JSON (default: the spec defaults)')
    .option('--die <file>', 'sim: die configuration JSON (samples in drivers/sim/dies/)')
    .option('--json', 'print the report as one JSON object');
}

function workload(cmd: Command, vectors: number): Command {
  return cmd
    .option('--workload <kind>', `stimulus: ${WORKLOAD_KINDS.join(', ')}`, oneOf(WORKLOAD_KINDS), 'relu')
    .option('--vectors <T>', 'vectors per step', integerIn(1, MAX_WORKLOAD_VECTORS), vectors)
    .option('--seed <S>', 'workload seed', integerIn(0, Number.MAX_SAFE_INTEGER), 1);
}

/** Start a procedure through the Bench service, follow it, and print its report (exit 1 when it failed its criterion). */
async function runProcedure(io: CliIo, o: Common, procedure: ProcedureName, params: Record<string, unknown>): Promise<void> {
  const { runOnBench } = await import('../run-session');
  const { outcome: report } = await runOnBench(o, io, (bench) => bench.startProcedure({ board: o.board, profile: o.profile, die: o.die, procedure, params }));
  if (o.json) await writeChunk(io.stdout, `${JSON.stringify(report)}\n`);
  else
    await writeChunk(
      io.stdout,
      `${report.procedure} (run ${report.runId}, ${report.guid})\n${formatProcedureReport(report)
        .map((l) => `  ${l}`)
        .join('\n')}\n`,
    );
  if (report.passed === false) io.exit.code = 1;
}

export function addProcedureCommand(program: Command, io: CliIo): void {
  const proc = program.command('procedure').description('characterization procedures (spec section 5); each is a parent run with child runs');

  common(proc.command('functional').description('DCIM bit-exactness on corners, walking ones and random vectors (pass/fail)'))
    .option('--random <T>', 'random vectors', integerIn(1, MAX_WORKLOAD_VECTORS), 2000)
    .option('--seed <S>', 'seed', integerIn(0, Number.MAX_SAFE_INTEGER), 1)
    .action((o: Common & { random: number; seed: number }) => runProcedure(io, o, 'functional', { random: o.random, seed: o.seed }));

  common(proc.command('march').description('SRAM march test through weight write and read-back: the stuck-cell map (pass/fail)')).action((o: Common) =>
    runProcedure(io, o, 'march', {}),
  );

  common(proc.command('adc-transfer').description('ADC transfer curve per column: gain, offset, noise, DNL and INL; stored as a calibration'))
    .option('--repeat <R>', 'repeats of the ramp', integerIn(2, 10_000), 8)
    .action((o: Common & { repeat: number }) => runProcedure(io, o, 'adc-transfer', { repeat: o.repeat }));

  workload(common(proc.command('snr-sweep').description('SNR versus boundary: hcim at b = FROM..TO, measured and modelled')), 4000)
    .option('--from <b>', 'first boundary', integerIn(0, 31), 0)
    .option('--to <b>', 'last boundary', integerIn(0, 31), 14)
    .option('--skip <t>', 'skip line (capped at b)', integerIn(0, 31), 0)
    .action((o: Common & Workload & { from: number; to: number; skip: number }) =>
      runProcedure(io, o, 'snr-sweep', { ...workloadOf(o), from: o.from, to: o.to, skip: o.skip }),
    );

  workload(common(proc.command('power-per-mode').description('measured rail energy per MAC and TOPS/W in dcim, acim, hcim and osa, against the energy model')), 4000)
    .option('--boundary <b>', 'the hcim point', integerIn(0, 31), 9)
    .action((o: Common & Workload & { boundary: number }) => runProcedure(io, o, 'power-per-mode', { ...workloadOf(o), boundary: o.boundary }));

  workload(common(proc.command('osa-points').description('OSA operating points: thresholds shifted by each offset; level mix, SNR, gain, Pareto front')), 4000)
    .option(
      '--offsets <list>',
      'comma-separated offsets added to every threshold',
      (v) => v.split(',').map((x) => integerIn(-10_000_000, 10_000_000)(x.trim())),
      [-12288, -6144, 0, 6144, 12288],
    )
    .action((o: Common & Workload & { offsets: number[] }) => runProcedure(io, o, 'osa-points', { ...workloadOf(o), offsets: o.offsets }));

  workload(common(proc.command('repeatability').description('the same run repeated, on one die or several: run-to-run and die-to-die spread of SNR and energy')), 2000)
    .option('--times <n>', 'repetitions per die', integerIn(2, 1000), 5)
    .option('--mode <mode>', `mode: ${MODES.join(', ')}`, oneOf(MODES), 'osa' as Mode)
    .option('--boundary <b>', 'hcim: boundary', integerIn(0, 31))
    .option('--also <boards>', 'more dies to compare, comma-separated: die files with --board sim (drivers/sim/dies/*.json), board addresses otherwise', (v) =>
      v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .action((o: Common & Workload & { times: number; mode: Mode; boundary?: number; also?: string[] }) =>
      runProcedure(io, o, 'repeatability', { ...workloadOf(o), times: o.times, mode: o.mode, boundary: o.boundary, also: o.also ?? [] }),
    );
}
