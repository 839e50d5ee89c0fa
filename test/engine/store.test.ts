import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMigrations, schemaVersion } from '../../engine/store/migrate';
import { openDatabase } from '../../engine/store/open-store';
import { RunStore } from '../../engine/store/run-store';
import { intMatrix } from '../../shared/model/matrix';

const tmp = () => mkdtempSync(join(tmpdir(), 'osa-store-'));
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('the store', () => {
  it('creates the schema of every migration, in WAL with foreign keys on, and reopens idempotently', () => {
    const path = join(tmp(), 'a.db');
    const db = openDatabase(path);
    expect(schemaVersion(db)).toBe(loadMigrations().length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['sessions', 'runs', 'vector_sets', 'weight_sets', 'result_blocks', 'power', 'telemetry', 'wire_log', 'events', 'tags', 'notes', 'calibrations']));
    db.close();
    const again = openDatabase(path);
    expect(schemaVersion(again)).toBe(loadMigrations().length);
    again.close();
  });

  it('refuses a database newer than the app and leaves it byte for byte as it was', () => {
    const path = join(tmp(), 'new.db');
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.exec('CREATE TABLE future (x)');
    db.close();
    const before = sha(path);
    expect(() => openDatabase(path)).toThrow(/schema version 99, this app knows up to 1: update the app \(the file was not modified\)/);
    expect(sha(path)).toBe(before);
  });

  it('says plainly when the file is not a database', () => {
    const path = join(tmp(), 'junk.db');
    writeFileSync(path, 'these are lab notes, not a database'.repeat(100));
    expect(() => openDatabase(path)).toThrow(/junk\.db: not an OSA-Bench database, or a damaged one/);
  });

  it('says plainly when another program holds the database locked', () => {
    const path = join(tmp(), 'locked.db');
    openDatabase(path).close();
    const holder = new Database(path);
    holder.exec('BEGIN EXCLUSIVE');
    const store = new RunStore(openDatabase(path, { busyTimeoutMs: 50 }), path);
    expect(() => store.note(1, 'x')).toThrow(/locked\.db: the database is locked by another program/);
    holder.exec('ROLLBACK');
    holder.close();
    store.close();
  });

  it('stores a set once under its hash and gives it back', () => {
    const path = join(tmp(), 's.db');
    const store = new RunStore(openDatabase(path), path);
    const m = intMatrix(2, 3, Int32Array.from([1, -2, 3, 4, 5, -6]));
    store.putSet('vector_sets', 'sha256:x', m, 'relu', 1);
    store.putSet('vector_sets', 'sha256:x', m, 'relu', 1);
    expect(store.db.prepare('SELECT count(*) AS n FROM vector_sets').get()).toEqual({ n: 1 });
    expect(Array.from(store.getSet('vector_sets', 'sha256:x')!.data)).toEqual([1, -2, 3, 4, 5, -6]);
    store.close();
  });

  it('migrations are numbered without gaps', () => {
    const dir = tmp();
    writeFileSync(join(dir, '0001_a.sql'), 'CREATE TABLE a (x);');
    writeFileSync(join(dir, '0003_c.sql'), 'CREATE TABLE c (x);');
    expect(() => loadMigrations(dir)).toThrow(/without gaps; found 0003_c\.sql at position 2/);
  });
});
