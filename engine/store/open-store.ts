// Opening the SQLite store: refuse a newer schema untouched, then WAL, foreign keys, migrations.
import Database from 'better-sqlite3';
import { loadMigrations, migrate, schemaVersion, type Migration } from './migrate';
import { explainSqliteError, StoreError } from './store-error';

export interface OpenOptions {
  readonly migrations?: readonly Migration[];
  /** how long a write waits for another writer, ms */
  readonly busyTimeoutMs?: number;
}

export function openDatabase(path: string, options: OpenOptions = {}): Database.Database {
  const migrations = options.migrations ?? loadMigrations();
  const latest = migrations.at(-1)?.version ?? 0;
  // Read the version read-only first: a newer database must not be touched, not even to set WAL.
  try {
    const probe = new Database(path, { readonly: true, fileMustExist: true });
    const version = schemaVersion(probe);
    probe.close();
    if (version > latest) {
      throw new StoreError(path, `the database has schema version ${version}, this app knows up to ${latest}: update the app (the file was not modified)`);
    }
  } catch (e) {
    if (e instanceof StoreError) throw e;
    const code = (e as { code?: string }).code;
    if (code !== 'SQLITE_CANTOPEN') throw explainSqliteError(path, e); // a file that exists but is not a database
  }
  try {
    const db = new Database(path);
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 2000}`);
    db.pragma('journal_mode = WAL');
    // WAL with synchronous NORMAL: a committed batch survives the process being killed
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations);
    return db;
  } catch (e) {
    throw e instanceof StoreError ? e : explainSqliteError(path, e);
  }
}
