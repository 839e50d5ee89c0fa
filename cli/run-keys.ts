// Keys on a terminal while a run goes on: p pauses after the batch in hand and resumes, q stops
// the run (as Ctrl-C does). The terminal is put in raw mode only for the run, and given back.
import { emitKeypressEvents } from 'node:readline';
import type { Readable } from 'node:stream';

/** A terminal's input, as process.stdin is on a TTY. */
export type KeyInput = Readable & { readonly isTTY?: boolean; setRawMode?(raw: boolean): unknown };

export interface RunKeyActions {
  togglePause(): void;
  stop(): void;
  /** Ctrl-C: raw mode turns it into a key, so it comes here rather than as SIGINT */
  interrupt(): void;
}

export const RUN_KEYS_HELP = 'keys: p pause/resume, q stop';

/** Listen for run keys; returns the function that gives the terminal back. Off a terminal, nothing. */
export function listenForRunKeys(input: KeyInput | undefined, actions: RunKeyActions): (() => void) | null {
  if (!input?.isTTY || !input.setRawMode) return null;
  emitKeypressEvents(input);
  input.setRawMode(true);
  const onKey = (_: string | undefined, key: { name?: string; ctrl?: boolean } | undefined) => {
    if (key?.ctrl && key.name === 'c') actions.interrupt();
    else if (key?.name === 'p' || key?.name === 'space') actions.togglePause();
    else if (key?.name === 'q') actions.stop();
  };
  input.on('keypress', onKey);
  input.resume();
  return () => {
    input.off('keypress', onKey);
    input.setRawMode?.(false);
    input.pause();
  };
}
