// Opening the SQLite store: refuse a newer schema untouched, then WAL, foreign keys, migrations.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { loadMigrations, migrate, schemaVersion, type Migration } from './migrate';
import { explainSqliteError, StoreError } from './store-error';

export interface OpenOptions {
  readonly migrations?: readonly Migration[];
  /** how long a write waits for another writer, ms */
  readonly busyTimeoutMs?: number;
  /** a cap on the database file: past it a write fails as on a full disk (SQLITE_FULL) */
  readonly maxBytes?: number;
  /** only read: nothing is migrated or written, so an archived or write-protected store opens too */
  readonly readonly?: boolean;
}

export function openDatabase(path: string, options: OpenOptions = {}): Database.Database {
  const migrations = options.migrations ?? loadMigrations();
  const latest = migrations.at(-1)?.version ?? 0;
  // SQLite says only 'disk I/O error' for a folder
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory())
    throw new StoreError(path, `is a folder, not a database file: give a file, such as ${join(path, 'runs.db')}`);
  if (options.readonly) return openForReading(path, latest);
  assertWritable(path);
  // Read the version read-only first: a newer database must not be touched, not even to set WAL.
  try {
    const probe = new Database(path, { readonly: true, fileMustExist: true });
    let version: number;
    try {
      version = schemaVersion(probe);
    } finally {
      probe.close();
    }
    if (version > latest) {
      throw new StoreError(path, `the database has schema version ${version}, this app knows up to ${latest}: update the app (the file was not modified)`);
    }
  } catch (e) {
    if (e instanceof StoreError) throw e;
    const code = (e as { code?: string }).code;
    if (code !== 'SQLITE_CANTOPEN') throw explainSqliteError(path, e); // a file that exists but is not a database
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 2000}`);
    db.pragma('journal_mode = WAL');
    // WAL with synchronous NORMAL: a committed batch survives the process being killed
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations);
    if (options.maxBytes !== undefined) {
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      db.pragma(`max_page_count = ${Math.max(1, Math.floor(options.maxBytes / pageSize))}`);
    }
    return db;
  } catch (e) {
    db?.close(); // locked, full or damaged: the caller gets the error, not a half-opened connection
    throw e instanceof StoreError ? e : explainSqliteError(path, e);
  }
}

function openForReading(path: string, latest: number): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const version = schemaVersion(db);
    if (version !== latest) {
      throw new StoreError(path, `the database has schema version ${version}, this app reads ${latest}: open it once with write access to upgrade it`);
    }
    return db;
  } catch (e) {
    db?.close();
    throw e instanceof StoreError ? e : explainSqliteError(path, e);
  }
}

function canWrite(p: string): boolean {
  try {
    accessSync(p, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether this user may log into the store at `path` (a missing folder is SQLite's to report). */
export function storeWritable(path: string): boolean {
  // WAL keeps FILE-wal and FILE-shm beside the database: its folder must take new files
  const folder = dirname(path);
  return (!existsSync(path) || canWrite(path)) && (!existsSync(folder) || canWrite(folder));
}

/** SQLite would open a write-protected file read-only and fail later; say why now. */
function assertWritable(path: string): void {
  if (storeWritable(path)) return;
  if (existsSync(path) && !canWrite(path))
    throw new StoreError(path, 'the database is read-only for this user (runs cannot be logged; runs list and runs show can still read it)');
  throw new StoreError(path, `the folder ${dirname(path)} is read-only for this user, and SQLite must create files beside the database (${basename(path)}-wal, -shm)`);
}
