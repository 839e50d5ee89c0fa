// Opening a store that another program holds locked: a clear StoreError naming the file, and no
// connection left open behind it (a process that keeps handles it cannot use cannot tidy up).
import { mkdtempSync, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openRunStore } from '../../engine/store/store';
import { explainSqliteError, StoreError } from '../../engine/store/store-error';

const dbIn = () => join(mkdtempSync(join(tmpdir(), 'osa-store-open-')), 'runs.db');

/** Files this process holds open at `path` (the database, its -wal and -shm). */
function openHandles(path: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith(path);
    } catch {
      return false;
    }
  }).length;
}

/** A second connection, as the sqlite3 shell holds it with BEGIN EXCLUSIVE. */
function lockedBy(path: string): Database.Database {
  const holder = new Database(path);
  holder.pragma('journal_mode = WAL');
  holder.exec('BEGIN EXCLUSIVE');
  return holder;
}

describe.runIf(process.platform === 'linux')('opening a locked store', () => {
  it.each([
    [
      'a new store whose schema cannot be created',
      (path: string) => {
        new Database(path).close();
      },
    ],
    [
      'a store with a run left running by a dead process, which cannot be marked interrupted',
      (path: string) => {
        const { store } = openRunStore(path);
        store.db.prepare(`UPDATE runs SET state = 'running', owner_pid = NULL`).run();
        store.createRun({ kind: 'run', mode: 'osa', config: {}, provenance: {}, vectorSet: null, weightSet: null, vectorsTotal: 1, repeat: 1 });
        store.db.prepare(`UPDATE runs SET owner_pid = NULL`).run();
        store.close();
      },
    ],
  ])('%s: a StoreError naming the file, and no connection left open', (_, prepare) => {
    const path = dbIn();
    prepare(path);
    const holder = lockedBy(path);
    try {
      let error: unknown;
      try {
        openRunStore(path, { busyTimeoutMs: 50 });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).message).toBe(`${path}: ${(error as StoreError).reason}`);
      expect((error as StoreError).reason).toMatch(/locked by another program/);
    } finally {
      holder.exec('COMMIT');
      holder.close();
    }
    // SQLite defers closing a file while this process holds a lock on it: count once the holder is gone
    expect(openHandles(path)).toBe(0);
  });
});

describe.runIf(process.platform === 'linux')('a store on a full disk', () => {
  // SQLite reports a WAL index that cannot grow on a full disk as SQLITE_IOERR_SHMSIZE, 'disk I/O
  // error'; /proc is a file system with no room at all
  it.each([
    ['an I/O error on a file system with no room', '/proc/runs.db', 'SQLITE_IOERR_SHMSIZE', 'the disk is full (disk I/O error)'],
    ['an I/O error on a file system with room', join(tmpdir(), 'runs.db'), 'SQLITE_IOERR_SHMSIZE', 'disk I/O error'],
    ['ENOSPC from the OS', join(tmpdir(), 'runs.db'), 'ENOSPC', 'the disk is full (disk I/O error)'],
  ])('%s: %s', (_, path, code, reason) => {
    const e = explainSqliteError(path, Object.assign(new Error('disk I/O error'), { code }));
    expect(e).toMatchObject({ path, reason, message: `${path}: ${reason}` });
  });
});
