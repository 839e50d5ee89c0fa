// Runs the CLI and maps every failure to a message and an exit code; it never throws.
import { CommanderError } from 'commander';
import type { CliIo } from './io';
import { createProgram } from './program';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

/**
 * Errors that describe the user's input: reported as one clear line, with exit code 2. Their
 * modules (zod schemas, serialport, the model) are loaded only once a command has failed, so that
 * a start does not load them (docs/benchmarks.md, startup).
 */
async function isInputError(e: unknown): Promise<boolean> {
  if (!(e instanceof Error)) return false;
  const types = await Promise.all([
    import('../shared/io/data-file-error').then((m) => m.DataFileError),
    import('../shared/model/profile').then((m) => m.ProfileError),
    import('../shared/model/modes').then((m) => m.ModeConfigError),
    import('../shared/model/evaluator').then((m) => m.InputRangeError),
    import('../drivers/board-address').then((m) => m.BoardAddressError),
    import('../drivers/sim/die-config').then((m) => m.DieConfigError),
    import('../drivers/sim/faults').then((m) => m.FaultSpecError),
    import('../engine/store/store-error').then((m) => m.StoreError),
    import('../engine/run/resume-run').then((m) => m.ResumeError),
    import('../engine/store/stored-run').then((m) => m.StoredRunError),
    import('../shared/api/run-options').then((m) => m.FieldError),
  ]);
  return types.some((type) => e instanceof type);
}

/** Options whose flag is not their field's name in kebab case. */
const FLAGS: Readonly<Record<string, string>> = {
  resumeWithinMs: '--resume-within',
  tags: '--tag',
  wireLog: '--no-wire-log',
  'workload.kind': '--workload',
  'workload.vectors': '--vectors',
  'workload.seed': '--seed',
  'params.random': '--random',
};

/** The engine names the field at fault; the CLI user knows it by its flag. */
export function flagOf(field: string): string {
  return FLAGS[field] ?? `--${field.replace(/^params\./, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function asFlags(e: Error): string {
  const field = (e as { field?: unknown }).field;
  if (typeof field !== 'string' || !e.message.startsWith(`${field}`)) return e.message;
  return `${flagOf(field)}${e.message.slice(field.length)}`;
}

export async function runCli(argv: readonly string[], streams: Omit<CliIo, 'exit'>): Promise<number> {
  const io: CliIo = { ...streams, exit: { code: EXIT_OK } };
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return io.exit.code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    if (e instanceof Error && (await isInputError(e))) {
      io.stderr.write(`osa-bench: ${asFlags(e)}\n`);
      return EXIT_BAD_INPUT;
    }
    // anything else (a board that does not answer, a port that cannot open) as one line; the stack only on request
    const detail = e instanceof Error ? (process.env.OSA_BENCH_DEBUG ? (e.stack ?? e.message) : e.message) : String(e);
    io.stderr.write(`osa-bench: ${detail}\n`);
    return EXIT_FAILURE;
  }
}
