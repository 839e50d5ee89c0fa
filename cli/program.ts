// The osa-bench command line: one program, each command in its own file.
import { Command } from 'commander';
import { addBoardCommands } from './commands/board';
import { addCompareCommand } from './commands/compare';
import { addDemoCommand } from './commands/demo';
import { addExportCommand } from './commands/export';
import { addModelCommand } from './commands/model';
import { addSimCommand } from './commands/sim';
import { addRunCommand } from './commands/run';
import { addRunsCommand } from './commands/runs';
import { addProcedureCommand } from './commands/procedure';
import { addReplayCommand } from './commands/replay';
import { addReportCommand } from './commands/report';
import { addServeCommand } from './commands/serve';
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
  addSimCommand(program, io);
  addBoardCommands(program, io);
  addRunCommand(program, io);
  addRunsCommand(program, io);
  addProcedureCommand(program, io);
  addReplayCommand(program, io);
  addCompareCommand(program, io);
  addExportCommand(program, io);
  addReportCommand(program, io);
  addServeCommand(program, io);
  const configure = (cmd: Command) => {
    cmd.exitOverride().configureOutput(program.configureOutput());
    cmd.commands.forEach(configure);
  };
  program.commands.forEach(configure);
  return program;
}
