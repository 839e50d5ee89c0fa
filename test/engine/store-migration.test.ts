// Migration 0003 on a store written by schema 2's code path (its commitBlock's INSERT, kept here
// as the fixture's writer): every measured value, summary, power figure and wire line survives.
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMigrations, schemaVersion } from '../../engine/store/migrate';
import { openDatabase } from '../../engine/store/open-store';
import { RunStore } from '../../engine/store/run-store';
import { createDieModel } from '../../shared/model/evaluator';
import { DEFAULT_PROFILE, parseDieProfile, type DieProfile } from '../../shared/model/profile';
import { generateWorkload } from '../../shared/workload/generators';
import type { ModeConfig } from '../../shared/model/modes';

const tmp = () => mkdtempSync(join(tmpdir(), 'osa-migrate-'));
const blob = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

interface Measured {
  digital: Float64Array;
  saliency: Float64Array;
  level: Uint8Array;
  codes: Int16Array;
}

/** A run of schema 2, written as its RunStore.commitBlock wrote it: int32 sums, int8 codes. */
function writeSchema2Run(db: Database.Database, profile: DieProfile, config: ModeConfig, vectors: number, blockVectors: number, repeat: number): Measured[] {
  const w = generateWorkload(profile, { kind: 'relu', vectors, seed: 5 });
  const runId = Number(
    db
      .prepare(
        `INSERT INTO runs (guid, kind, state, mode, config_json, provenance_json, vectors_total, vectors_done, repeat_count, started_at, updated_at) VALUES (?, 'run', 'completed', ?, ?, '{}', ?, ?, ?, 'then', 'then')`,
      )
      .run(`guid-${Math.random()}`, config.mode, JSON.stringify({ ...config, repeat, batchVectors: blockVectors, profile }), vectors, vectors, repeat).lastInsertRowid,
  );
  const model = createDieModel(profile, w.weights);
  const out: Measured[] = [];
  for (let block = 0; block * blockVectors < vectors; block++) {
    const first = block * blockVectors;
    const n = Math.min(blockVectors, vectors - first);
    const e = model.evaluate({ rows: n, cols: profile.rows, data: w.vectors.data.subarray(first * profile.rows, (first + n) * profile.rows) }, config, { codes: true });
    const macs = n * repeat * profile.outputs;
    const rep = <T extends Float64Array | Uint8Array | Int16Array>(a: T, make: (k: number) => T, stride = 1): T => {
      const r = make(macs * stride);
      for (let k = 0; k < repeat; k++) r.set(a, k * a.length);
      return r;
    };
    const codes = rep(e.codes as Int16Array, (k) => new Int16Array(k), profile.inputBits * profile.weightBits);
    // the die's noise: some codes one LSB off, within the ADC's range
    const top = 2 ** profile.adcBits - 1;
    for (let k = 0; k < codes.length; k += 7) if ((codes[k] as number) >= 0) codes[k] = Math.min(top, (codes[k] as number) + 1);
    const m: Measured = {
      digital: rep(e.digital, (k) => new Float64Array(k)),
      saliency: rep(e.saliency, (k) => new Float64Array(k)),
      level: rep(e.level, (k) => new Uint8Array(k)),
      codes,
    };
    out.push(m);
    const int8 = new Int8Array(codes.length);
    int8.set(codes);
    const f = (a: Float64Array | Uint8Array) => blob(a instanceof Uint8Array ? a : new Float64Array(a));
    db.prepare(
      `INSERT INTO result_blocks (run_id, block, first_vector, vectors, repeat_count, outputs, planes, digital, saliency, level, codes, yhat,
         model_yhat, model_level, exact, macs, digital_mismatches, level_agreements, signal_sq, error_sq, model_error_sq, yhat_residual_min,
         yhat_residual_max, code_residual_count, code_residual_sum, code_residual_sq, code_residual_min, code_residual_max, model_energy_pj, committed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      runId,
      block,
      first,
      n,
      repeat,
      profile.outputs,
      profile.inputBits * profile.weightBits,
      blob(Int32Array.from(m.digital)),
      blob(Int32Array.from(m.saliency)),
      blob(m.level),
      blob(int8),
      f(new Float64Array(macs)),
      f(new Float64Array(macs)),
      f(new Uint8Array(macs)),
      f(new Float64Array(macs)),
      macs,
      0,
      macs,
      1.5 * block,
      0.25,
      0.125,
      -1,
      1,
      10,
      0.5,
      3.25,
      -1,
      1,
      99.5,
      'then',
    );
    db.prepare(`INSERT INTO power (run_id, block, burst_us, die_temp_c, vdd_dig_mw, vdd_ana_mw, vdd_sram_mw) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
      runId,
      block,
      100 + block,
      25.5,
      1.25,
      0.5,
      0.125,
    );
    db.prepare(`INSERT INTO wire_log (run_id, block, to_board, to_host) VALUES (?, ?, ?, ?)`).run(runId, block, `1 VEC ${block}\n2 RES? ${block}`, `1 OK\n2 OK B AAAA`);
  }
  return out;
}

function schema2Store(path: string) {
  const db = openDatabase(path, { migrations: loadMigrations().slice(0, 2) });
  // 8 rows: an 8-bit ADC's codes pass 127 (P * 255 / 8), where schema 2's int8 wrapped them
  const osa8 = parseDieProfile({ ...DEFAULT_PROFILE, rows: 8, adcBits: 8 });
  const runs = [
    writeSchema2Run(db, DEFAULT_PROFILE, { mode: 'osa' }, 300, 128, 1),
    writeSchema2Run(db, osa8, { mode: 'osa' }, 100, 64, 2), // 8-bit codes: schema 2 kept 128..255 as negative int8
    writeSchema2Run(db, DEFAULT_PROFILE, { mode: 'hcim', boundary: 9, skip: 2 }, 70, 70, 1),
    writeSchema2Run(db, osa8, { mode: 'acim' }, 20, 20, 3),
  ];
  for (const r of [1, 3]) expect(Math.max(...runs[r]!.map((b) => Math.max(...b.codes)))).toBeGreaterThan(127);
  db.prepare(`INSERT INTO vector_sets (hash, rows, cols, generator, seed, created_at) VALUES ('sha256:v', 2, 3, 'relu', 1, 'then')`).run();
  db.prepare(`INSERT INTO vector_set_chunks (set_id, first_vector, vectors, encoding, data) VALUES (1, 0, 2, 'u8', ?)`).run(Buffer.from([1, 2, 3, 4, 5, 6]));
  expect(schemaVersion(db)).toBe(2);
  db.close();
  return runs;
}

describe('migration 0003 (packed blocks)', () => {
  it('converts a schema-2 store in place: every measured value, summary, power figure and wire line is kept', () => {
    const path = join(tmp(), 'v2.db');
    const runs = schema2Store(path);
    const db = openDatabase(path);
    expect(schemaVersion(db)).toBe(loadMigrations().length);
    const store = new RunStore(db, path);
    runs.forEach((blocks, r) => {
      const runId = r + 1;
      const stored = [...store.blocks(runId)];
      expect(stored).toHaveLength(blocks.length);
      stored.forEach((b, k) => {
        const m = blocks[k] as Measured;
        expect(Array.from(b.digital)).toEqual(Array.from(m.digital));
        expect(Array.from(b.saliency)).toEqual(Array.from(m.saliency));
        expect(Array.from(b.level)).toEqual(Array.from(m.level));
        expect(blob(b.codes).equals(blob(m.codes))).toBe(true); // 8-bit codes unsigned again
        expect(b.summary).toMatchObject({ signalSq: 1.5 * k, errorSq: 0.25, codeResidualSq: 3.25, modelEnergyPj: 99.5 });
        expect(b.power).toEqual({ burstUs: 100 + k, dieTempC: 25.5, vddDigMw: 1.25, vddAnaMw: 0.5, vddSramMw: 0.125 });
        expect(store.wireLines(runId, k)).toEqual({ toBoard: [`1 VEC ${k}`, `2 RES? ${k}`], toHost: ['1 OK', '2 OK B AAAA'] });
      });
      expect(store.blockSummaries(runId).map((s) => [s.block, s.firstVector, s.vectors, s.summary.signalSq])).toEqual(
        stored.map((b) => [b.block, b.firstVector, b.vectors, b.summary.signalSq]),
      );
    });
    expect(Array.from(store.vectorSet('sha256:v')!.read(0, 2))).toEqual([1, 2, 3, 4, 5, 6]);
    const columns = (db.prepare(`SELECT name FROM pragma_table_info('result_blocks')`).all() as { name: string }[]).map((c) => c.name);
    expect(columns).not.toContain('model_yhat');
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    store.close();
  });

  it('leaves the store as it was when the conversion fails', () => {
    const path = join(tmp(), 'bad.db');
    schema2Store(path);
    const raw = new Database(path);
    // a block whose codes do not match its MAC count: the conversion refuses it
    raw.prepare(`UPDATE result_blocks SET codes = x'0102' WHERE run_id = 2 AND block = 1`).run();
    const before = raw.prepare(`SELECT * FROM result_blocks ORDER BY run_id, block`).all();
    raw.close();
    expect(() => openDatabase(path)).toThrow(/MACs/);
    const after = new Database(path, { readonly: true });
    expect(schemaVersion(after)).toBe(2);
    expect(after.prepare(`SELECT * FROM result_blocks ORDER BY run_id, block`).all()).toEqual(before);
    expect(after.prepare(`SELECT name FROM sqlite_master WHERE name = 'result_blocks_packed'`).all().length).toBe(0);
    expect((after.prepare(`SELECT name FROM pragma_table_info('wire_log')`).all() as { name: string }[]).map((c) => c.name)).not.toContain('encoding');
    after.close();
  });
});
