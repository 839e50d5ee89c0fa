// What `run`, `runs resume` and `procedure` share as clients of the Bench service: open it on the
// store, start through it, draw the run's status documents, map Ctrl-C, SIGTERM and the p/q keys
// onto its control, and close it whatever fails.
import { hostname, userInfo } from 'node:os';
import { systemClock } from '../drivers/clock';
import type { RunHandle } from '../engine/service/bench-api';
import type { Bench } from '../engine/service/bench';
import { defaultDatabasePath } from '../engine/store/default-path';
import { StoreError } from '../engine/store/store-error';
import type { CliIo } from './io';
import { ProgressReporter } from './progress';
import { listenForRunKeys, RUN_KEYS_HELP } from './run-keys';
import type { SessionOptions } from './session-options';

export interface BenchRunOptions extends SessionOptions {
  db?: string;
  dbLimitMb?: number;
  json?: boolean;
}

/** A run that started and could not finish: exit code 1, not the 2 of bad input. */
export class RunFailedError extends Error {
  override name = 'RunFailedError';
}

function operator(o: SessionOptions): string | null {
  if (o.operator !== undefined) return o.operator;
  try {
    return userInfo().username;
  } catch {
    return null;
  }
}

/**
 * Open the Bench on the store the options name, start what `start` starts, follow it to its end
 * and return its outcome. A refusal (bad input, a busy board) is thrown as it came: nothing was
 * logged. A store that fails under a started run is the run's failure (RunFailedError).
 */
export async function runOnBench<S>(o: BenchRunOptions, io: CliIo, start: (bench: Bench) => Promise<RunHandle<S>>): Promise<{ outcome: S; dbPath: string }> {
  const { Bench } = await import('../engine/service/bench');
  const dbPath = o.db ?? defaultDatabasePath();
  const bench = new Bench({
    dbPath,
    maxBytes: o.dbLimitMb === undefined ? undefined : o.dbLimitMb * 1_000_000,
    clock: systemClock,
    session: { operator: operator(o), bench: o.bench ?? hostname(), ambientC: o.ambientC ?? null, notes: o.sessionNotes ?? null },
  });
  const reporter = new ProgressReporter(io.stderr);
  const release: (() => unknown)[] = [() => bench.close(), () => reporter.done()];
  let started = false;
  try {
    if (bench.recovered.length > 0)
      reporter.line(`marked ${bench.recovered.length} run(s) left running by a process that is gone as interrupted: ${bench.recovered.join(', ')}`);
    const handle = await start(bench);
    started = true;
    const { control } = handle;
    release.push(handle.documents.subscribe((d) => reporter.document(d)));
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
    return { outcome: await handle.done, dbPath };
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
}
