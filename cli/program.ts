// The osa-bench command line: one program, each command in its own file.
import { Command } from 'commander';
import { addDemoCommand } from './commands/demo';
import { addModelCommand } from './commands/model';
import { addWorkloadCommand } from './commands/workload';
import type { CliIo } from './io';
import { appVersion } from './version';

export function createProgram(io: CliIo): Command {
  const program = new Command('osa-bench')
    .description('Bench software for the OSA-HCIM compute-in-memory die')
    .version(appVersion())
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride();
  addWorkloadCommand(program, io);
  addModelCommand(program, io);
  addDemoCommand(program, io);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput(program.configureOutput());
  return program;
}
