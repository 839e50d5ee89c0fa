// What a command needs from the outside world, injected so tests run commands in-process.
import type { Writable } from 'node:stream';
import type { KeyInput } from './run-keys';

export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** the terminal, for keys during a run (absent in-process and when not a terminal) */
  readonly stdin?: KeyInput;
  /** a command that ran but did not succeed (a run not completed, a failed check) sets 1 */
  readonly exit: { code: number };
}

/** Write and wait for the stream to drain when its buffer is full, so large outputs stream. */
export async function writeChunk(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
}
