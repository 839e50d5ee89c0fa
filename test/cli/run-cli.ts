// Run the CLI in-process with captured streams, or as a real child process through bin/.
import { execFile } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../cli/run';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(...argv: string[]): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  const code = await runCli(argv, { stdout, stderr });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

export const BIN = fileURLToPath(new URL('../../bin/osa-bench.mjs', import.meta.url));

function execute(cmd: string, args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export function cliProcess(...argv: string[]): Promise<CliResult> {
  return execute(process.execPath, [BIN, ...argv]);
}

/**
 * As a user whom file modes bind. Root ignores them, so as root the child runs without the
 * capabilities that override them (setpriv, from util-linux); it still reads the repository.
 */
export function cliProcessBoundByModes(...argv: string[]): Promise<CliResult> {
  const node = [BIN, ...argv];
  return process.getuid?.() === 0
    ? execute('setpriv', ['--bounding-set', '-dac_override,-dac_read_search', '--', process.execPath, ...node])
    : execute(process.execPath, node);
}
