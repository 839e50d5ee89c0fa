import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMigrations, schemaVersion } from '../../engine/store/migrate';
import { openDatabase } from '../../engine/store/open-store';
import { RunStore } from '../../engine/store/run-store';
import { intMatrix } from '../../shared/model/matrix';
import { DEFAULT_PROFILE, parseDieProfile } from '../../shared/model/profile';
import { generateWorkload } from '../../shared/workload/generators';
import { matrixSource } from '../../shared/workload/vector-source';

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
    expect(tables).toEqual(
      expect.arrayContaining([
        'sessions',
        'runs',
        'vector_sets',
        'weight_sets',
        'result_blocks',
        'power',
        'telemetry',
        'wire_log',
        'events',
        'tags',
        'notes',
        'calibrations',
      ]),
    );
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
    expect(() => openDatabase(path)).toThrow(/schema version 99, this app knows up to \d+: update the app \(the file was not modified\)/);
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

  it('stores a vector set once, in chunks, under its content hash, and reads it back', () => {
    const path = join(tmp(), 's.db');
    const store = new RunStore(openDatabase(path), path);
    const wide = generateWorkload(parseDieProfile({ rows: 4, outputs: 1, inputBits: 12, levels: [{ boundary: 5, skip: 0 }], thresholds: [] }), {
      kind: 'uniform',
      vectors: 10,
      seed: 1,
    });
    for (const [w, encoding] of [
      [generateWorkload(DEFAULT_PROFILE, { kind: 'relu', vectors: 10, seed: 1 }), 'u8'],
      [wide, 'u16'],
    ] as const) {
      const hash = store.putVectorSet(matrixSource(w.vectors), 'relu', 1, 3);
      expect(hash).toBe(w.vectorsHash);
      expect(store.putVectorSet(matrixSource(w.vectors), 'relu', 1, 4)).toBe(hash); // stored once
      const back = store.vectorSet(hash)!;
      expect([back.rows, back.cols]).toEqual([10, w.vectors.cols]);
      expect(Array.from(back.read(2, 6))).toEqual(Array.from(w.vectors.data.subarray(2 * w.vectors.cols, 8 * w.vectors.cols)));
      const chunks = store.db.prepare('SELECT DISTINCT encoding FROM vector_set_chunks JOIN vector_sets ON id = set_id WHERE hash = ?').all(hash);
      expect(chunks).toEqual([{ encoding }]);
    }
    expect(store.db.prepare('SELECT count(*) AS n FROM vector_sets').get()).toEqual({ n: 2 });
    const m = intMatrix(2, 3, Int32Array.from([1, -2, 3, 4, 5, -6]));
    store.putWeightSet('sha256:w', m, null, null);
    expect(Array.from(store.getWeightSet('sha256:w')!.data)).toEqual([1, -2, 3, 4, 5, -6]);
    store.close();
  });

  it('upgrades a store of the first schema in place, keeping what it holds', () => {
    const path = join(tmp(), 'v1.db');
    const v1 = openDatabase(path, { migrations: loadMigrations().slice(0, 1) });
    v1.prepare(`INSERT INTO vector_sets (hash, rows, cols, generator, seed, created_at) VALUES ('sha256:old', 1, 64, 'relu', 1, 'then')`).run();
    expect(schemaVersion(v1)).toBe(1);
    v1.close();
    const db = openDatabase(path);
    expect(schemaVersion(db)).toBe(loadMigrations().length);
    expect(db.prepare('SELECT hash, generator, owner_pid FROM vector_sets').all()).toEqual([{ hash: 'sha256:old', generator: 'relu', owner_pid: null }]);
    db.close();
  });

  it('drops the vector sets a dead process left half stored, and no other', () => {
    const path = join(tmp(), 'half.db');
    const store = new RunStore(openDatabase(path), path);
    const done = store.putVectorSet(matrixSource(generateWorkload(DEFAULT_PROFILE, { kind: 'relu', vectors: 10, seed: 1 }).vectors), 'relu', 1);
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const half = (pid: number) => {
      const id = Number(
        store.db.prepare(`INSERT INTO vector_sets (hash, rows, cols, created_at, owner_pid) VALUES (NULL, 8192, 64, 'now', ?)`).run(pid).lastInsertRowid,
      );
      store.db.prepare(`INSERT INTO vector_set_chunks (set_id, first_vector, vectors, encoding, data) VALUES (?, 0, 4096, 'u8', zeroblob(262144))`).run(id);
      return id;
    };
    half(dead);
    const storing = half(process.pid); // this process may still be storing it
    store.recoverAbandoned((pid) => pid === process.pid);
    expect(store.db.prepare('SELECT id, hash FROM vector_sets ORDER BY id').all()).toEqual([
      { id: 1, hash: done },
      { id: storing, hash: null },
    ]);
    expect(store.db.prepare('SELECT DISTINCT set_id FROM vector_set_chunks ORDER BY set_id').all()).toEqual([{ set_id: 1 }, { set_id: storing }]);
    store.close();
  });

  it('finds a run by id, or by a GUID prefix of 6 or more characters, digits only too', () => {
    const store = new RunStore(openDatabase(join(tmp(), 'ref.db')), 'ref.db');
    const run = (guidStart: string) => {
      const { id, guid } = store.createRun({ kind: 'run', mode: 'dcim', config: {}, provenance: {}, vectorSet: null, weightSet: null, vectorsTotal: 0, repeat: 1 });
      // GUIDs are random: set one that starts with digits only, as about one in forty does
      store.db.prepare('UPDATE runs SET guid = ? WHERE id = ?').run(guidStart + guid.slice(guidStart.length), id);
      return id;
    };
    const first = run('81623456');
    const second = run('abcdef12');
    expect(store.getRun(first)?.id).toBe(first);
    expect(store.getRun(String(second))?.id).toBe(second);
    expect(store.getRun('81623456')?.id).toBe(first); // not a run id: a GUID prefix
    expect(store.getRun('abcdef')?.id).toBe(second);
    expect(store.getRun('8162')).toBeNull(); // too short for a prefix, and no such id
    expect(store.getRun(81623456)).toBeNull(); // a number is an id only
    store.close();
  });

  it('migrations are numbered without gaps', () => {
    const dir = tmp();
    writeFileSync(join(dir, '0001_a.sql'), 'CREATE TABLE a (x);');
    writeFileSync(join(dir, '0003_c.sql'), 'CREATE TABLE c (x);');
    expect(() => loadMigrations(dir)).toThrow(/without gaps; found 0003_c\.sql at position 2/);
  });
});

describe('the native content hash', () => {
  it('equals the shared one (the same canonical encoding) on any matrix, fed in any pieces', async () => {
    const fc = (await import('fast-check')).default;
    const { nodeContentHasher } = await import('../../engine/store/node-content-hash');
    const { contentHash } = await import('../../shared/workload/content-hash');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.nat(), fc.integer({ min: 1, max: 9 }), (rows, cols, seed, piece) => {
        const m = intMatrix(
          rows,
          cols,
          Int32Array.from({ length: rows * cols }, (_, k) => (seed + k * 2654435761) | 0),
        );
        const h = nodeContentHasher(rows, cols);
        for (let r = 0; r < rows; r += piece) h.update(m.data.subarray(r * cols, Math.min(rows, r + piece) * cols));
        expect(h.digest()).toBe(contentHash(m));
      }),
    );
  });
});
