// Open the store for a process: create its folder, migrate, and mark runs that a dead process
// left 'running' as interrupted.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openDatabase, type OpenOptions } from './open-store';
import { RunStore } from './run-store';
import { explainSqliteError } from './store-error';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function openRunStore(path: string, options: OpenOptions = {}): { store: RunStore; recovered: number[] } {
  if (options.readonly) return { store: new RunStore(openDatabase(path, options), path), recovered: [] };
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    throw explainSqliteError(path, e);
  }
  const store = new RunStore(openDatabase(path, options), path);
  try {
    return { store, recovered: store.recoverAbandoned(alive) };
  } catch (e) {
    store.close(); // a store locked by another program: no connection is left behind
    throw e;
  }
}
