// osa-bench replay RUN: play a logged run back as its documents (progress and figures as the run
// had them), or re-score it against the model with another profile or configuration (--rescore),
// measure its stimulus again on a board (--remeasure), or decode its wire log again and check it
// against its stored blocks (--redecode). docs/replay-compare.md. The engine is imported by the
// action: --help starts without it.
import { existsSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { defaultDatabasePath } from '../../engine/store/default-path';
import type { RedecodeReport } from '../../shared/api/compare';
import type { RunDocument } from '../../shared/api/documents';
import { FieldError } from '../../shared/api/run-options';
import { MODES, type Mode } from '../../shared/model/modes';
import { writeChunk, type CliIo } from '../io';
import { integerIn, oneOf } from '../options';
import type { BenchRunOptions } from '../run-session';

interface ReplayCommandOptions extends BenchRunOptions {
  /** Infinity: as fast as possible */
  speed: number;
  fromVector?: number;
  rescore?: boolean;
  profile?: string;
  mode?: Mode;
  boundary?: number;
  skip?: number;
  label?: string;
  remeasure?: boolean;
  board?: string;
  die?: string;
  faults?: string;
  simBaud: number;
  wireLog: boolean;
  redecode?: boolean;
}

function speedOf(v: string): number {
  // commander takes a null from a parser for no value at all: as fast as possible is Infinity
  if (v === 'max') return Infinity;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 1_000_000)
    throw new InvalidArgumentError(`expected 'max' or a factor above 0 (1 = the run's own pace), got '${v}'`);
  return n;
}

/** A document as one JSON line: the measured arrays stay in process (the figures say what they hold). */
function jsonLine(d: RunDocument): string {
  if (d.type !== 'batch' || !d.data) return `${JSON.stringify(d)}\n`;
  const copy: Record<string, unknown> = { ...d };
  delete copy.data;
  return `${JSON.stringify(copy)}\n`;
}

export function addReplayCommand(program: Command, io: CliIo): void {
  program
    .command('replay <run>')
    .description('play a logged run back as its documents (at its own pace, faster, or as fast as possible), or re-score, re-measure or re-decode it')
    .option('--db <file>', `SQLite store (default ${defaultDatabasePath()})`)
    .option('--speed <x>', "replay at x times the run's own pace, or 'max' for as fast as possible", speedOf, 1)
    .option('--from-vector <v>', 'start at the block holding vector v', integerIn(0, Number.MAX_SAFE_INTEGER))
    .option('--rescore', 'compare the run’s measurements with the model under another profile or configuration, as a new run linked to it (no board)')
    .option('--profile <file>', '--rescore: die profile JSON whose fields replace the run’s own')
    .option('--mode <mode>', `--rescore: mode: ${MODES.join(', ')}`, oneOf(MODES))
    .option('--boundary <b>', '--rescore, hcim: boundary b', integerIn(0, 31))
    .option('--skip <t>', '--rescore, hcim: skip line t', integerIn(0, 31))
    .option('--label <text>', '--rescore, --remeasure: a name for the new run')
    .option('--remeasure', 'measure the run’s stimulus, weights and configuration again on --board, as a new run linked to it')
    .option('--board <address>', '--remeasure: sim, a device such as /dev/ttyUSB0, or tcp://HOST:PORT')
    .option('--die <file>', '--remeasure, sim: die configuration JSON')
    .option('--faults <spec>', '--remeasure, sim: inject faults (see osa-bench sim --help)')
    .option('--sim-baud <b>', '--remeasure, sim: pace the link at B baud (0 = unpaced)', integerIn(0, 100_000_000), 0)
    .option('--no-wire-log', '--remeasure: do not keep the raw wire lines')
    .option('--redecode', 'decode the run’s wire log again with today’s protocol code and check it against its stored blocks')
    .option('--json', 'replay: each document as a JSON line, then the replay’s summary; otherwise one JSON object')
    .action(async (ref: string, o: ReplayCommandOptions) => {
      const modes = [o.rescore && '--rescore', o.remeasure && '--remeasure', o.redecode && '--redecode'].filter(Boolean);
      if (modes.length > 1) throw new FieldError(o.rescore ? 'rescore' : 'remeasure', `give one of --rescore, --remeasure and --redecode, not ${modes.join(' and ')}`);
      if (!o.rescore && (o.profile || o.mode || o.boundary !== undefined || o.skip !== undefined))
        throw new FieldError('rescore', '--profile, --mode, --boundary and --skip go with --rescore');
      if (!o.remeasure && (o.board || o.die || o.faults)) throw new FieldError('remeasure', '--board, --die and --faults go with --remeasure');
      if (o.redecode) return redecode(ref, o, io);
      const [{ runOnBench }, { printRunSummary }] = await Promise.all([import('../run-session'), import('../run-summary')]);
      if (o.rescore) {
        const { outcome, dbPath } = await runOnBench(o, io, (bench) =>
          bench.rescoreRun(ref, { profile: o.profile, mode: o.mode, boundary: o.boundary, skip: o.skip, label: o.label }),
        );
        return printRunSummary(io, outcome, dbPath, o.json);
      }
      if (o.remeasure) {
        if (!o.board) throw new FieldError('board', 'required with --remeasure');
        const board = o.board;
        const { outcome, dbPath } = await runOnBench(o, io, (bench) =>
          bench.remeasureRun(ref, { board, die: o.die, faults: o.faults, simBaud: o.simBaud, label: o.label, wireLog: o.wireLog ? undefined : false }),
        );
        return printRunSummary(io, outcome, dbPath, o.json);
      }
      const { outcome } = await runOnBench(o, io, (bench) => {
        const handle = bench.replayRun(ref, { speed: o.speed, fromVector: o.fromVector });
        if (o.json) handle.documents.subscribe((d) => io.stdout.write(jsonLine(d)));
        return Promise.resolve(handle);
      });
      if (o.json) return writeChunk(io.stdout, `${JSON.stringify({ type: 'replay', ...outcome })}\n`);
      const how =
        outcome.pace === 'commit-times'
          ? 'paced by its commit times'
          : outcome.pace === 'even'
            ? 'paced evenly over its duration (no commit times)'
            : 'at a batch a second (no times)';
      const speed = !Number.isFinite(o.speed) ? 'as fast as possible' : `at ${o.speed}x (${how}; ${(outcome.durationMs / 1000).toFixed(1)} s at 1x)`;
      await writeChunk(
        io.stdout,
        `replay of run ${outcome.runId} (${outcome.guid}) ${outcome.state}: ${outcome.batches} batches, ${outcome.vectors} vectors, ${speed}\n`,
      );
      if (outcome.state !== 'completed') io.exit.code = 1;
    });
}

async function redecode(ref: string, o: ReplayCommandOptions, io: CliIo): Promise<void> {
  const path = o.db ?? defaultDatabasePath();
  const [{ storeWritable }, { openRunStore }, { redecodeRun }] = await Promise.all([
    import('../../engine/store/open-store'),
    import('../../engine/store/store'),
    import('../../engine/replay/redecode'),
  ]);
  const { store } = openRunStore(path, { readonly: existsSync(path) && !storeWritable(path) });
  let report: RedecodeReport;
  try {
    report = redecodeRun(store, ref);
  } finally {
    store.close();
  }
  if (report.differing > 0 || report.undecodable > 0) io.exit.code = 1;
  if (o.json) return writeChunk(io.stdout, `${JSON.stringify(report)}\n`);
  const head = `run ${report.runId}: ${report.blocks} blocks decoded again from the wire log: ${report.equal} equal, ${report.differing} differing, ${report.missing} without a wire log, ${report.undecodable} undecodable`;
  const lines = report.problems.map((p) => `  block ${p.block} (vectors ${p.firstVector}..${p.firstVector + p.vectors - 1}) ${p.status}: ${p.detail}`);
  await writeChunk(io.stdout, `${[head, ...lines].join('\n')}\n`);
}
