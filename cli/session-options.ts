// Who runs the bench, where, and at what ambient temperature: recorded as a session.
import { InvalidArgumentError, type Command } from 'commander';
import { hostname, userInfo } from 'node:os';
import type { RunStore } from '../engine/store/run-store';

export interface SessionOptions {
  operator?: string;
  bench?: string;
  ambientC?: number;
  sessionNotes?: string;
}

export function withSessionOptions(cmd: Command): Command {
  return cmd
    .option('--operator <name>', 'who runs the bench (default: the login name)')
    .option('--bench <name>', 'which bench (default: the host name)')
    .option('--ambient-c <degrees>', 'ambient temperature, C', (v) => {
      const n = Number(v);
      // commander names the option; any other error than InvalidArgumentError would be a crash (exit 1)
      if (v.trim() === '' || !Number.isFinite(n) || n < -60 || n > 200) throw new InvalidArgumentError(`expected a temperature in -60..200 C, got '${v}'`);
      return n;
    })
    .option('--session-notes <text>', 'notes on the session');
}

export function startSession(store: RunStore, o: SessionOptions): number {
  let operator: string | null = o.operator ?? null;
  if (operator === null) {
    try {
      operator = userInfo().username;
    } catch {
      operator = null;
    }
  }
  return store.createSession({ operator, bench: o.bench ?? hostname(), ambientC: o.ambientC ?? null, notes: o.sessionNotes ?? null });
}
