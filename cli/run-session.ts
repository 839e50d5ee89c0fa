// What `run` and `runs resume` share around a run: the store and its writer thread, Ctrl-C,
// SIGTERM and the p/q keys, the progress bar, the summary, and releasing all of it whatever fails.
import { systemClock } from '../drivers/clock';
import type { BoardLink } from '../engine/board/board-link';
import { RunControl, type RunDeps, type RunSummary } from '../engine/run/run-engine';
import { workerBlockWriter } from '../engine/store/block-writer';
import { defaultDatabasePath } from '../engine/store/default-path';
import type { RunStore } from '../engine/store/run-store';
import { openRunStore } from '../engine/store/store';
import { StoreError } from '../engine/store/store-error';
import { writeChunk, type CliIo } from './io';
import { ProgressReporter } from './progress';
import { listenForRunKeys, RUN_KEYS_HELP } from './run-keys';
import { startSession, type SessionOptions } from './session-options';

export interface BenchRunOptions extends SessionOptions {
  db?: string;
  dbLimitMb?: number;
  resumeWithin: number;
  json?: boolean;
}

/** A run that started and could not finish: exit code 1, not the 2 of bad input. */
export class RunFailedError extends Error {
  override name = 'RunFailedError';
}

/**
 * Run `start` against the store named by the options, and print its summary. `newSession` opens
 * a bench session once the run is accepted (a refused run logs nothing); without it the run
 * keeps the session it has.
 */
export async function runOnBench(
  o: BenchRunOptions,
  io: CliIo,
  link: BoardLink,
  start: (deps: RunDeps, control: RunControl, store: RunStore) => Promise<RunSummary>,
  newSession = true,
): Promise<void> {
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
    const openSession = () => {
      const id = startSession(store, o);
      // a full or locked store: the run's own error says so; the session just keeps no end time
      release.push(() => store.endSession(id));
      return id;
    };
    summary = await start(
      { store, writer, sessionId: newSession ? openSession : undefined, onStart: () => (started = true), telemetryMs: 1000, board: link, clock: systemClock, onProgress: (p) => reporter.progress(p), resumeWithinMs: o.resumeWithin },
      control,
      store,
    );
  } catch (e) {
    // the store failed under a run it had logged (a full disk, a lock): the run failed, the input
    // was fine; one that cannot even log a run is named as the problem (exit 2)
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
  const out = { ...summary, runId: summary.guid, id: summary.runId, db: dbPath };
  if (o.json) await writeChunk(io.stdout, `${JSON.stringify(out)}\n`);
  else await writeChunk(io.stdout, formatSummary(summary, dbPath));
  if (summary.state !== 'completed') io.exit.code = 1;
  // a run that failed at its end (its last batch not committed) says why where a failure that stops it does
  if (summary.state === 'failed' && summary.reason) io.stderr.write(`osa-bench: ${summary.reason}\n`);
}

function formatSummary(s: RunSummary, dbPath: string): string {
  const db = (v: number | null) => (v === null ? 'inf' : `${v.toFixed(2)} dB`);
  const recovered = [s.resumes ? `resumed ${s.resumes} time(s)` : '', s.reboots ? `board rebooted ${s.reboots} time(s), set up again` : ''].filter(Boolean).join(', ');
  const head = [`run ${s.runId} (${s.guid}) ${s.state}${s.reason ? `: ${s.reason}` : ''}`, `  vectors ${s.vectors}, MACs ${s.macs}${recovered ? `, ${recovered}` : ''}`];
  // figures of nothing would read as a measurement
  if (s.macs === 0) return [...head, '  no batch was committed: no figures', `  stored in ${dbPath}`, ''].join('\n');
  return [
    ...head,
    `  SNR measured ${db(s.snrDb)}, model ${db(s.modelSnrDb)}; level agreement ${(100 * s.levelAgreement).toFixed(2)} %`,
    `  ADC code residual ${s.codeResidualMeanLsb.toFixed(3)} LSB mean, ${s.codeResidualRmsLsb.toFixed(3)} LSB rms; digital mismatches ${s.digitalMismatches}`,
    `  energy ${s.measuredPjPerMac.toFixed(2)} pJ/MAC measured, ${s.modelPjPerMac.toFixed(2)} modelled; gain vs dcim ${s.gainVsDcim.toFixed(3)} (model ${s.modelGainVsDcim.toFixed(3)})`,
    `  stored in ${dbPath}`,
    '',
  ].join('\n');
}
