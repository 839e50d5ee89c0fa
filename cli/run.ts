// Runs the CLI and maps every failure to a message and an exit code; it never throws.
import { CommanderError } from 'commander';
import { DataFileError } from '../shared/io/data-file-error';
import { ModeConfigError } from '../shared/model/modes';
import { ProfileError } from '../shared/model/profile';
import { InputRangeError } from '../shared/model/evaluator';
import { BoardAddressError } from '../drivers/board-address';
import { DieConfigError } from '../drivers/sim/die-config';
import { FaultSpecError } from '../drivers/sim/faults';
import { ResumeError } from '../engine/run/resume-run';
import { StoreError } from '../engine/store/store-error';
import type { CliIo } from './io';
import { createProgram } from './program';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

/** Errors that describe the user's input: reported as one clear line, with exit code 2. */
function isInputError(e: unknown): e is Error {
  return [DataFileError, ProfileError, ModeConfigError, InputRangeError, BoardAddressError, DieConfigError, FaultSpecError, StoreError, ResumeError].some((type) => e instanceof type);
}

export async function runCli(argv: readonly string[], streams: Omit<CliIo, 'exit'>): Promise<number> {
  const io: CliIo = { ...streams, exit: { code: EXIT_OK } };
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return io.exit.code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    if (isInputError(e)) {
      io.stderr.write(`osa-bench: ${e.message}\n`);
      return EXIT_BAD_INPUT;
    }
    // anything else (a board that does not answer, a port that cannot open) as one line; the stack only on request
    const detail = e instanceof Error ? (process.env.OSA_BENCH_DEBUG ? (e.stack ?? e.message) : e.message) : String(e);
    io.stderr.write(`osa-bench: ${detail}\n`);
    return EXIT_FAILURE;
  }
}
