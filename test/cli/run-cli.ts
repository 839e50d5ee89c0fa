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

export function cliProcess(...argv: string[]): Promise<CliResult> {
  return cliProcessAs(null, ...argv);
}

/** Another user than the test's: root ignores file permissions, so write protection is tested as nobody. */
export const OTHER_USER = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : null;

export function cliProcessAs(user: { uid: number; gid: number } | null, ...argv: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...argv], { maxBuffer: 64 * 1024 * 1024, ...user }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
