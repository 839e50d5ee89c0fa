// The runs, sets and result blocks in the SQLite store (schema: migrations/, docs/data-model.md).
// Every batch is committed in one transaction with its block, its power and its wire lines, so a
// crash loses at most the batch in hand and never leaves half a batch behind.
import { randomUUID } from 'node:crypto';
import { endianness } from 'node:os';
import type Database from 'better-sqlite3';
import type { ComparisonSummary } from '../../shared/analysis/compare';
import type { IntMatrix } from '../../shared/model/matrix';
import { intMatrix } from '../../shared/model/matrix';
import { forEachChunk, type VectorSource } from '../../shared/workload/vector-source';
import type { WireLines } from '../../drivers/transport/recording';
import { nodeContentHasher } from './node-content-hash';
import { explainSqliteError } from './store-error';

if (endianness() !== 'LE') throw new Error('the store writes typed arrays as little-endian blobs: a big-endian host is not supported');

export const RUN_STATES = ['running', 'completed', 'aborted', 'failed', 'interrupted'] as const;
export type RunState = (typeof RUN_STATES)[number];

export interface NewRun {
  readonly kind: string;
  readonly label?: string | undefined;
  readonly parentId?: number | undefined;
  readonly sessionId?: number | undefined;
  readonly mode: string;
  readonly config: object;
  readonly provenance: object;
  /** a sweep's parent run has no stimulus of its own */
  readonly vectorSet: string | null;
  readonly weightSet: string | null;
  readonly vectorsTotal: number;
  readonly repeat: number;
  readonly calibrationId?: number | undefined;
}

export interface RunRow {
  readonly id: number;
  readonly guid: string;
  readonly kind: string;
  readonly label: string | null;
  readonly parentId: number | null;
  readonly state: RunState;
  readonly stateReason: string | null;
  readonly mode: string | null;
  readonly config: Record<string, unknown>;
  readonly provenance: Record<string, unknown>;
  readonly vectorSet: string | null;
  readonly weightSet: string | null;
  readonly vectorsTotal: number;
  readonly vectorsDone: number;
  readonly repeat: number;
  readonly summary: Record<string, unknown> | null;
  readonly sessionId: number | null;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly tags: string[];
}

/** The figures stored with each block: those of the comparison with the model. */
export type BlockSummary = ComparisonSummary;

export interface BlockPower {
  readonly burstUs: number;
  readonly dieTempC: number;
  readonly vddDigMw: number;
  readonly vddAnaMw: number;
  readonly vddSramMw: number;
}

export interface ResultBlockRecord {
  readonly block: number;
  readonly firstVector: number;
  readonly vectors: number;
  readonly repeat: number;
  readonly outputs: number;
  readonly planes: number;
  readonly digital: Int32Array;
  readonly saliency: Int32Array;
  readonly level: Uint8Array;
  readonly codes: Int8Array;
  readonly yhat: Float64Array;
  readonly modelYhat: Float64Array;
  readonly modelLevel: Uint8Array;
  readonly exact: Float64Array;
  readonly summary: BlockSummary;
  readonly power: BlockPower;
}

const blob = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Inputs in the narrowest encoding that holds them (8-bit activations take a quarter of int32). */
function packInputs(data: Int32Array): { encoding: 'u8' | 'u16' | 'i32'; bytes: Buffer } {
  let min = 0;
  let max = 0;
  for (let k = 0; k < data.length; k++) {
    const v = data[k] as number;
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  // set() converts element by element natively; the range is checked above, so nothing wraps
  const narrow = (out: Uint8Array | Uint16Array) => {
    out.set(data);
    return blob(out);
  };
  if (min >= 0 && max < 256) return { encoding: 'u8', bytes: narrow(new Uint8Array(data.length)) };
  if (min >= 0 && max < 65536) return { encoding: 'u16', bytes: narrow(new Uint16Array(data.length)) };
  return { encoding: 'i32', bytes: blob(data) };
}

/** A stored chunk's inputs as a typed array of its encoding (copied only where alignment needs it). */
function inputsView(encoding: 'u8' | 'u16' | 'i32', b: Buffer): Uint8Array | Uint16Array | Int32Array {
  if (encoding === 'u8') return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return encoding === 'u16' ? view(b, (x) => new Uint16Array(x)) : view(b, (x) => new Int32Array(x));
}
function view<T>(b: Buffer, make: (buf: ArrayBuffer) => T): T {
  return make(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
}

interface RunDbRow {
  id: number;
  guid: string;
  kind: string;
  label: string | null;
  parent_id: number | null;
  session_id: number | null;
  state: RunState;
  state_reason: string | null;
  mode: string | null;
  config_json: string;
  provenance_json: string;
  vector_set: string | null;
  weight_set: string | null;
  vectors_total: number;
  vectors_done: number;
  repeat_count: number;
  summary_json: string | null;
  started_at: string;
  ended_at: string | null;
  tags: string | null;
}

export class RunStore {
  constructor(
    readonly db: Database.Database,
    readonly path: string,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw explainSqliteError(this.path, e);
    }
  }

  /** Store a weight set once under its content hash. */
  putWeightSet(hash: string, m: IntMatrix, generator: string | null, seed: number | null): void {
    this.guard(() =>
      this.db
        .prepare(`INSERT OR IGNORE INTO weight_sets (hash, rows, cols, data, generator, seed, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(hash, m.rows, m.cols, blob(m.data), generator, seed, this.now()),
    );
  }

  getWeightSet(hash: string): IntMatrix | null {
    const row = this.db.prepare(`SELECT rows, cols, data FROM weight_sets WHERE hash = ?`).get(hash) as { rows: number; cols: number; data: Buffer } | undefined;
    return row ? intMatrix(row.rows, row.cols, view(row.data, (b) => new Int32Array(b))) : null;
  }

  /**
   * Store a vector set once, reading it a single time in order: its chunks go in under a row with
   * no hash yet, hashed on the way; at the end the row takes the hash, or is dropped if a set with
   * that content is already stored. Returns the hash.
   */
  putVectorSet(src: VectorSource, generator: string | null, seed: number | null, chunkVectors = 4096): string {
    return this.guard(() => {
      const setId = Number(
        this.db.prepare(`INSERT INTO vector_sets (hash, rows, cols, generator, seed, created_at, owner_pid) VALUES (NULL, ?, ?, ?, ?, ?, ?)`).run(src.rows, src.cols, generator, seed, this.now(), process.pid).lastInsertRowid,
      );
      const insert = this.db.prepare(`INSERT INTO vector_set_chunks (set_id, first_vector, vectors, encoding, data) VALUES (?, ?, ?, ?, ?)`);
      const hasher = nodeContentHasher(src.rows, src.cols);
      forEachChunk(src, chunkVectors, (first, data, count) => {
        hasher.update(data);
        const { encoding, bytes } = packInputs(data);
        insert.run(setId, first, count, encoding, bytes);
      });
      const hash = hasher.digest();
      this.db.transaction(() => {
        const existing = this.db.prepare(`SELECT id FROM vector_sets WHERE hash = ?`).get(hash);
        if (existing) this.db.prepare(`DELETE FROM vector_sets WHERE id = ?`).run(setId);
        else this.db.prepare(`UPDATE vector_sets SET hash = ?, owner_pid = NULL WHERE id = ?`).run(hash, setId);
      })();
      return hash;
    });
  }

  /** A stored vector set as a source, read chunk by chunk from the store. */
  vectorSet(hash: string): VectorSource | null {
    const set = this.db.prepare(`SELECT id, rows, cols FROM vector_sets WHERE hash = ?`).get(hash) as { id: number; rows: number; cols: number } | undefined;
    if (!set) return null;
    const chunk = this.db.prepare(`SELECT first_vector, vectors, encoding, data FROM vector_set_chunks WHERE set_id = ? AND first_vector <= ? ORDER BY first_vector DESC LIMIT 1`);
    return {
      rows: set.rows,
      cols: set.cols,
      read: (first, count) => {
        const out = new Int32Array(count * set.cols);
        let v = first;
        while (v < first + count) {
          const c = chunk.get(set.id, v) as { first_vector: number; vectors: number; encoding: 'u8' | 'u16' | 'i32'; data: Buffer };
          const from = v - c.first_vector;
          const n = Math.min(c.vectors - from, first + count - v);
          // widen straight into the batch: no whole-chunk copy on the streaming path
          out.set(inputsView(c.encoding, c.data).subarray(from * set.cols, (from + n) * set.cols), (v - first) * set.cols);
          v += n;
        }
        return out;
      },
    };
  }

  /** A calibration record: the die it was measured on, and its gain and offset per column. */
  calibration(id: number): { id: number; guid: string; dieId: string; gain: Float64Array; offsetLsb: Float64Array } | null {
    const r = this.db.prepare(`SELECT id, guid, die_id, gain, offset_lsb FROM calibrations WHERE id = ?`).get(id) as { id: number; guid: string; die_id: string; gain: Buffer; offset_lsb: Buffer } | undefined;
    return r ? { id: r.id, guid: r.guid, dieId: r.die_id, gain: view(r.gain, (b) => new Float64Array(b)), offsetLsb: view(r.offset_lsb, (b) => new Float64Array(b)) } : null;
  }

  /** A bench session: who, where, at what ambient temperature; runs point at it. */
  createSession(s: { operator: string | null; bench: string | null; ambientC: number | null; notes: string | null }): number {
    return this.guard(() =>
      Number(
        this.db
          .prepare(`INSERT INTO sessions (guid, operator, bench, ambient_c, notes, started_at) VALUES (?, ?, ?, ?, ?, ?)`)
          .run(randomUUID(), s.operator, s.bench, s.ambientC, s.notes, this.now()).lastInsertRowid,
      ),
    );
  }

  /** The board a session found (the first time it connects). */
  setSessionBoard(sessionId: number, b: { vendor: string; serial: string; firmware: string; bitstream: string; dieId: string }): void {
    this.guard(() =>
      this.db
        .prepare(`UPDATE sessions SET board_vendor = ?, board_serial = ?, board_firmware = ?, bitstream = ?, die_id = ? WHERE id = ? AND board_serial IS NULL`)
        .run(b.vendor, b.serial, b.firmware, b.bitstream, b.dieId, sessionId),
    );
  }

  telemetry(sessionId: number | null, t: { dieTempC: number; railMw: { VDD_DIG: number; VDD_ANA: number; VDD_SRAM: number } }): void {
    this.guard(() =>
      this.db
        .prepare(`INSERT INTO telemetry (session_id, at, die_temp_c, vdd_dig_mw, vdd_ana_mw, vdd_sram_mw) VALUES (?, ?, ?, ?, ?, ?)`)
        .run(sessionId, this.now(), t.dieTempC, t.railMw.VDD_DIG, t.railMw.VDD_ANA, t.railMw.VDD_SRAM),
    );
  }

  endSession(sessionId: number): void {
    this.guard(() => this.db.prepare(`UPDATE sessions SET ended_at = ? WHERE id = ?`).run(this.now(), sessionId));
  }

  session(sessionId: number): Record<string, unknown> | null {
    return (this.db.prepare(`SELECT * FROM sessions WHERE id = ?`).get(sessionId) as Record<string, unknown> | undefined) ?? null;
  }

  createRun(r: NewRun): { id: number; guid: string } {
    const guid = randomUUID();
    const at = this.now();
    const info = this.guard(() =>
      this.db
        .prepare(
          `INSERT INTO runs (guid, session_id, parent_id, kind, label, state, owner_pid, mode, config_json, provenance_json,
             vector_set, weight_set, calibration_id, vectors_total, repeat_count, started_at, updated_at)
           VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(guid, r.sessionId ?? null, r.parentId ?? null, r.kind, r.label ?? null, process.pid, r.mode, JSON.stringify(r.config), JSON.stringify(r.provenance), r.vectorSet, r.weightSet, r.calibrationId ?? null, r.vectorsTotal, r.repeat, at, at),
    );
    return { id: Number(info.lastInsertRowid), guid };
  }

  setState(runId: number, state: RunState, reason: string | null = null, summary?: object): void {
    const ended = state === 'running' ? null : this.now();
    this.guard(() =>
      this.db
        .prepare(`UPDATE runs SET state = ?, state_reason = ?, updated_at = ?, ended_at = ?, owner_pid = ?, summary_json = COALESCE(?, summary_json) WHERE id = ?`)
        .run(state, reason, this.now(), ended, state === 'running' ? process.pid : null, summary ? JSON.stringify(summary) : null, runId),
    );
  }

  /** One batch, atomically: its block, power and wire lines, and the run's progress. */
  commitBlock(runId: number, b: ResultBlockRecord, wire: WireLines | null): void {
    const s = b.summary;
    const at = this.now();
    this.guard(() =>
      this.db.transaction(() => {
        this.db
          .prepare(
            `INSERT INTO result_blocks (run_id, block, first_vector, vectors, repeat_count, outputs, planes, digital, saliency, level, codes, yhat,
               model_yhat, model_level, exact, macs, digital_mismatches, level_agreements, signal_sq, error_sq, model_error_sq, yhat_residual_min,
               yhat_residual_max, code_residual_count, code_residual_sum, code_residual_sq, code_residual_min, code_residual_max, model_energy_pj, committed_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(runId, b.block, b.firstVector, b.vectors, b.repeat, b.outputs, b.planes, blob(b.digital), blob(b.saliency), blob(b.level), blob(b.codes), blob(b.yhat),
            blob(b.modelYhat), blob(b.modelLevel), blob(b.exact), s.macs, s.digitalMismatches, s.levelAgreements, s.signalSq, s.errorSq, s.modelErrorSq,
            s.yhatResidualMin, s.yhatResidualMax, s.codeResidualCount, s.codeResidualSum, s.codeResidualSq, s.codeResidualMin, s.codeResidualMax, s.modelEnergyPj, at);
        const p = b.power;
        this.db.prepare(`INSERT INTO power (run_id, block, burst_us, die_temp_c, vdd_dig_mw, vdd_ana_mw, vdd_sram_mw) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(runId, b.block, p.burstUs, p.dieTempC, p.vddDigMw, p.vddAnaMw, p.vddSramMw);
        if (wire) this.db.prepare(`INSERT INTO wire_log (run_id, block, to_board, to_host) VALUES (?, ?, ?, ?)`).run(runId, b.block, wire.toBoard.join('\n'), wire.toHost.join('\n'));
        this.db.prepare(`UPDATE runs SET vectors_done = ?, updated_at = ? WHERE id = ?`).run(b.firstVector + b.vectors, at, runId);
      })(),
    );
  }

  event(runId: number | null, kind: string, detail: string | null = null): void {
    this.guard(() => this.db.prepare(`INSERT INTO events (run_id, at, kind, detail) VALUES (?, ?, ?, ?)`).run(runId, this.now(), kind, detail));
  }

  /**
   * Runs left 'running' by a process that is gone (killed, crashed, power lost) become
   * 'interrupted'; their committed batches stay readable. Vector sets such a process was still
   * storing are dropped. Returns the runs' ids.
   */
  recoverAbandoned(isAlive: (pid: number) => boolean): number[] {
    const rows = this.db.prepare(`SELECT id, owner_pid FROM runs WHERE state = 'running'`).all() as { id: number; owner_pid: number | null }[];
    const abandoned = rows.filter((r) => r.owner_pid === null || (r.owner_pid !== process.pid && !isAlive(r.owner_pid)));
    for (const r of abandoned) {
      this.setState(r.id, 'interrupted', `the process running it (pid ${r.owner_pid ?? '?'}) ended without finishing it`);
      this.event(r.id, 'interrupted', 'found abandoned at start-up');
    }
    // vector sets a dead process was storing: never referenced (a run refers to a set by its hash), never finished
    const unfinished = this.db.prepare(`SELECT id, owner_pid FROM vector_sets WHERE hash IS NULL`).all() as { id: number; owner_pid: number | null }[];
    const drop = this.db.prepare(`DELETE FROM vector_sets WHERE id = ?`);
    for (const v of unfinished) if (v.owner_pid === null || (v.owner_pid !== process.pid && !isAlive(v.owner_pid))) drop.run(v.id);
    return abandoned.map((r) => r.id);
  }

  private toRow(r: RunDbRow): RunRow {
    return {
      id: r.id,
      guid: r.guid,
      kind: r.kind,
      label: r.label,
      parentId: r.parent_id,
      sessionId: r.session_id,
      state: r.state,
      stateReason: r.state_reason,
      mode: r.mode,
      config: JSON.parse(r.config_json) as Record<string, unknown>,
      provenance: JSON.parse(r.provenance_json) as Record<string, unknown>,
      vectorSet: r.vector_set,
      weightSet: r.weight_set,
      vectorsTotal: r.vectors_total,
      vectorsDone: r.vectors_done,
      repeat: r.repeat_count,
      summary: r.summary_json ? (JSON.parse(r.summary_json) as Record<string, unknown>) : null,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      tags: r.tags ? r.tags.split('\u001f') : [],
    };
  }

  private static SELECT = `SELECT runs.*, (SELECT group_concat(tag, char(31)) FROM tags WHERE tags.run_id = runs.id) AS tags FROM runs`;

  /** A run by id, guid or guid prefix (at least 6 characters). */
  getRun(ref: string | number): RunRow | null {
    const text = String(ref);
    if (/^\d+$/.test(text)) {
      const row = this.db.prepare(`${RunStore.SELECT} WHERE id = ?`).get(Number(text)) as RunDbRow | undefined;
      return row ? this.toRow(row) : null;
    }
    if (text.length < 6) return null;
    // a prefix must name one run: two matches are as good as none
    const rows = this.db.prepare(`${RunStore.SELECT} WHERE guid LIKE ? || '%' ORDER BY id LIMIT 2`).all(text) as RunDbRow[];
    return rows.length === 1 ? this.toRow(rows[0] as RunDbRow) : null;
  }


  listRuns(limit = 50, tag?: string): RunRow[] {
    const rows = (tag
      ? this.db.prepare(`${RunStore.SELECT} WHERE id IN (SELECT run_id FROM tags WHERE tag = ?) ORDER BY id DESC LIMIT ?`).all(tag, limit)
      : this.db.prepare(`${RunStore.SELECT} ORDER BY id DESC LIMIT ?`).all(limit)) as RunDbRow[];
    return rows.map((r) => this.toRow(r));
  }

  childRuns(parentId: number): RunRow[] {
    return (this.db.prepare(`${RunStore.SELECT} WHERE parent_id = ? ORDER BY id`).all(parentId) as RunDbRow[]).map((r) => this.toRow(r));
  }

  tag(runId: number, tags: readonly string[]): void {
    this.guard(() => {
      const insert = this.db.prepare(`INSERT OR IGNORE INTO tags (run_id, tag) VALUES (?, ?)`);
      this.db.transaction(() => tags.forEach((t) => insert.run(runId, t)))();
    });
  }

  untag(runId: number, tags: readonly string[]): void {
    this.guard(() => {
      const del = this.db.prepare(`DELETE FROM tags WHERE run_id = ? AND tag = ?`);
      this.db.transaction(() => tags.forEach((t) => del.run(runId, t)))();
    });
  }

  note(runId: number, text: string): void {
    this.guard(() => this.db.prepare(`INSERT INTO notes (run_id, at, text) VALUES (?, ?, ?)`).run(runId, this.now(), text));
  }

  notes(runId: number): { at: string; text: string }[] {
    return this.db.prepare(`SELECT at, text FROM notes WHERE run_id = ? ORDER BY id`).all(runId) as { at: string; text: string }[];
  }

  events(runId: number): { at: string; kind: string; detail: string | null }[] {
    return this.db.prepare(`SELECT at, kind, detail FROM events WHERE run_id = ? ORDER BY id`).all(runId) as { at: string; kind: string; detail: string | null }[];
  }

  /** How far a run's committed blocks reach: the vectors they cover from 0, and the next block number. */
  committedExtent(runId: number): { vectors: number; nextBlock: number } {
    const r = this.db.prepare(`SELECT coalesce(max(first_vector + vectors), 0) AS vectors, coalesce(max(block) + 1, 0) AS nextBlock FROM result_blocks WHERE run_id = ?`).get(runId) as {
      vectors: number;
      nextBlock: number;
    };
    return r;
  }

  /** Committed blocks of a run, in vector order, one at a time (memory stays flat). */
  *blocks(runId: number): Generator<ResultBlockRecord> {
    const rows = this.db.prepare(`SELECT * FROM result_blocks JOIN power USING (run_id, block) WHERE run_id = ? ORDER BY block`).iterate(runId) as IterableIterator<Record<string, unknown>>;
    for (const r of rows) {
      const buf = (k: string) => r[k] as Buffer;
      yield {
        block: r.block as number,
        firstVector: r.first_vector as number,
        vectors: r.vectors as number,
        repeat: r.repeat_count as number,
        outputs: r.outputs as number,
        planes: r.planes as number,
        digital: view(buf('digital'), (b) => new Int32Array(b)),
        saliency: view(buf('saliency'), (b) => new Int32Array(b)),
        level: view(buf('level'), (b) => new Uint8Array(b)),
        codes: view(buf('codes'), (b) => new Int8Array(b)),
        yhat: view(buf('yhat'), (b) => new Float64Array(b)),
        modelYhat: view(buf('model_yhat'), (b) => new Float64Array(b)),
        modelLevel: view(buf('model_level'), (b) => new Uint8Array(b)),
        exact: view(buf('exact'), (b) => new Float64Array(b)),
        summary: {
          macs: r.macs as number,
          digitalMismatches: r.digital_mismatches as number,
          levelAgreements: r.level_agreements as number,
          signalSq: r.signal_sq as number,
          errorSq: r.error_sq as number,
          modelErrorSq: r.model_error_sq as number,
          yhatResidualMin: r.yhat_residual_min as number,
          yhatResidualMax: r.yhat_residual_max as number,
          codeResidualCount: r.code_residual_count as number,
          codeResidualSum: r.code_residual_sum as number,
          codeResidualSq: r.code_residual_sq as number,
          codeResidualMin: r.code_residual_min as number,
          codeResidualMax: r.code_residual_max as number,
          modelEnergyPj: r.model_energy_pj as number,
        },
        power: { burstUs: r.burst_us as number, dieTempC: r.die_temp_c as number, vddDigMw: r.vdd_dig_mw as number, vddAnaMw: r.vdd_ana_mw as number, vddSramMw: r.vdd_sram_mw as number },
      };
    }
  }

  close(): void {
    this.db.close();
  }
}
