// Numbered SQL migrations (migrations/NNNN_name.sql) applied in order under PRAGMA user_version,
// each in its own transaction. A database newer than this app is refused untouched.
//
// A migration that must rewrite data SQL cannot (a blob format) names a conversion step in its
// file, on a line of its own: `-- convert: NAME`. The SQL before the line runs, then the step,
// then the SQL after it, all in the migration's one transaction: a step that fails leaves the
// store as it was.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { convertPackedBlocks } from './block-migration';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** The conversion steps migrations may name. */
export const CONVERSIONS: Readonly<Record<string, (db: Database.Database) => void>> = {
  'packed-blocks': convertPackedBlocks,
};

const CONVERT_LINE = /^-- convert: ([a-z0-9-]+)\b.*$/m;

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
  const migrations = files.map((f) => ({ version: Number(f.slice(0, 4)), name: f, sql: readFileSync(join(dir, f), 'utf8') }));
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`${dir}: migrations must be numbered 0001, 0002, ... without gaps; found ${m.name} at position ${i + 1}`);
    for (const step of m.sql.matchAll(new RegExp(CONVERT_LINE.source, 'gm'))) {
      if (!CONVERSIONS[step[1] as string]) throw new Error(`${m.name}: no conversion step named '${step[1]}'`);
    }
  });
  return migrations;
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Run one migration's SQL and conversion steps, in order (inside the caller's transaction). */
function apply(db: Database.Database, sql: string): void {
  let rest = sql;
  for (let m = CONVERT_LINE.exec(rest); m; m = CONVERT_LINE.exec(rest)) {
    const step = CONVERSIONS[m[1] as string];
    if (!step) throw new Error(`no conversion step named '${m[1]}'`);
    db.exec(rest.slice(0, m.index));
    step(db);
    rest = rest.slice(m.index + m[0].length);
  }
  db.exec(rest);
}

/** Apply what is pending; returns the versions applied. */
export function migrate(db: Database.Database, migrations: readonly Migration[]): number[] {
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= schemaVersion(db)) continue;
    db.transaction(() => {
      apply(db, m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m.version);
  }
  return applied;
}
