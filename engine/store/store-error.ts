import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';

export class StoreError extends Error {
  constructor(
    readonly path: string,
    /** what went wrong, without the path */
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'StoreError';
  }
}

/** Whether the file system holding `path` has no room left (SQLite reports some ENOSPC as I/O errors). */
function diskFull(path: string): boolean {
  try {
    const fs = statfsSync(dirname(path));
    return fs.bavail * fs.bsize < 64 * 1024;
  } catch {
    return false;
  }
}

/** A better-sqlite3 / OS error as a sentence a bench user can act on. */
export function explainSqliteError(path: string, e: unknown): StoreError {
  const err = e as { code?: string; message?: string };
  const code = err.code ?? '';
  const text = err.message ?? String(e);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return new StoreError(path, `the database is locked by another program (${text})`);
  if (code === 'SQLITE_READONLY_DIRECTORY')
    return new StoreError(
      path,
      `the folder is read-only for this user, and SQLite must create files beside the database to open it (${text}); to read it, copy it to a folder you may write`,
    );
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY')) return new StoreError(path, `the database is read-only (${text})`);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || (code.startsWith('SQLITE_IOERR') && diskFull(path))) return new StoreError(path, `the disk is full (${text})`);
  if (code === 'SQLITE_CANTOPEN') return new StoreError(path, `cannot open the database file (${text})`);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') return new StoreError(path, `not an OSA-Bench database, or a damaged one (${text})`);
  return new StoreError(path, text);
}
