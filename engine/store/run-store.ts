// The runs, sets and result blocks in the SQLite store (schema: migrations/, docs/data-model.md).
// Every batch is committed in one transaction with its block, its power and its wire lines, so a
// crash loses at most the batch in hand and never leaves half a batch behind.
import { randomUUID } from 'node:crypto';
import { endianness } from 'node:os';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type Database from 'better-sqlite3';
import type { CalibrationRecord } from '../../shared/api/runs';
import { blockSampleSchema, type BlockSample } from '../../shared/api/figures';
import type { ComparisonSummary } from '../../shared/analysis/compare';
import type { ResultBlock } from '../../shared/protocol/data-blocks';
import type { IntMatrix } from '../../shared/model/matrix';
import { intMatrix } from '../../shared/model/matrix';
import { forEachChunk, type VectorSource } from '../../shared/workload/vector-source';
import type { WireLines } from '../../drivers/transport/recording';
import { decodeMeasured, encodeMeasured, type MeasuredValues } from './block-codec';
import { nodeContentHasher } from './node-content-hash';
import { explainSqliteError } from './store-error';
import { decodeWire, encodeWire, type WireVectors } from './wire-codec';

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

/**
 * The figures stored with each block: those of the comparison with the model, and the live
 * sample (a few MACs, residual histograms) of blocks logged since schema 6.
 */
export type BlockSummary = ComparisonSummary & { readonly sample?: BlockSample };

export interface BlockPower {
  readonly burstUs: number;
  readonly dieTempC: number;
  readonly vddDigMw: number;
  readonly vddAnaMw: number;
  readonly vddSramMw: number;
}

/** A block's place in its run, its figures and power: what overviews read (no blob is decoded). */
export interface BlockSummaryRecord {
  readonly block: number;
  readonly firstVector: number;
  readonly vectors: number;
  readonly repeat: number;
  readonly outputs: number;
  readonly planes: number;
  readonly summary: BlockSummary;
  readonly power: BlockPower;
}

/**
 * A committed block as read back: its measured values, bit-exact, one entry per MAC
 * (vector-major, repeats after each other), codes per MAC and plane. The model's expectation is
 * not stored: block-reader.ts recomputes it.
 */
export interface StoredBlock extends BlockSummaryRecord, MeasuredValues {}

/** A stored block as the board's result block it was measured as (every record: vectors x repeat), for compareWithModel. */
export function resultBlockOf(b: StoredBlock): ResultBlock {
  return {
    first: b.firstVector,
    count: b.vectors * b.repeat,
    outputs: b.outputs,
    planes: b.planes,
    digital: b.digital,
    saliency: b.saliency,
    level: b.level,
    codes: b.codes,
  };
}

/** Vector set chunks: relu activations are half zeros; level 1 takes most of that at a fraction of the time. */
const VECTORS_DEFLATE = { level: 1 } as const;

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

const SUMMARY_COLUMNS = `block, first_vector, vectors, repeat_count, outputs, planes, macs, digital_mismatches, level_agreements, signal_sq, error_sq,
  model_error_sq, yhat_residual_min, yhat_residual_max, code_residual_count, code_residual_sum, code_residual_sq, code_residual_min, code_residual_max,
  model_energy_pj, burst_us, die_temp_c, vdd_dig_mw, vdd_ana_mw, vdd_sram_mw`;
/** The summary columns, with the live sample when it is asked for: overviews do not parse it. */
const summaryColumns = (o: SampleOption) => (o.samples ? `${SUMMARY_COLUMNS}, sample_json` : SUMMARY_COLUMNS);

/** samples: read each block's live sample too (the documents of a run; its histograms when it is taken up again) */
export interface SampleOption {
  readonly samples?: boolean;
}

interface SummaryRow {
  block: number;
  first_vector: number;
  vectors: number;
  repeat_count: number;
  outputs: number;
  planes: number;
  macs: number;
  digital_mismatches: number;
  level_agreements: number;
  signal_sq: number;
  error_sq: number;
  model_error_sq: number;
  yhat_residual_min: number;
  yhat_residual_max: number;
  code_residual_count: number;
  code_residual_sum: number;
  code_residual_sq: number;
  code_residual_min: number;
  code_residual_max: number;
  model_energy_pj: number;
  /** selected only when samples are asked for */
  sample_json?: string | null;
  burst_us: number;
  die_temp_c: number;
  vdd_dig_mw: number;
  vdd_ana_mw: number;
  vdd_sram_mw: number;
}

/** A stored sample; one that does not read as the contract's is left out rather than failing the run's read-back. */
function sampleOf(json: string | null | undefined): { sample?: BlockSample } {
  if (json === null || json === undefined) return {};
  try {
    const parsed = blockSampleSchema.safeParse(JSON.parse(json));
    return parsed.success ? { sample: parsed.data } : {};
  } catch {
    return {};
  }
}

function summaryOf(r: SummaryRow): BlockSummaryRecord {
  return {
    block: r.block,
    firstVector: r.first_vector,
    vectors: r.vectors,
    repeat: r.repeat_count,
    outputs: r.outputs,
    planes: r.planes,
    summary: {
      macs: r.macs,
      digitalMismatches: r.digital_mismatches,
      levelAgreements: r.level_agreements,
      signalSq: r.signal_sq,
      errorSq: r.error_sq,
      modelErrorSq: r.model_error_sq,
      yhatResidualMin: r.yhat_residual_min,
      yhatResidualMax: r.yhat_residual_max,
      codeResidualCount: r.code_residual_count,
      codeResidualSum: r.code_residual_sum,
      codeResidualSq: r.code_residual_sq,
      codeResidualMin: r.code_residual_min,
      codeResidualMax: r.code_residual_max,
      modelEnergyPj: r.model_energy_pj,
      ...sampleOf(r.sample_json),
    },
    power: { burstUs: r.burst_us, dieTempC: r.die_temp_c, vddDigMw: r.vdd_dig_mw, vddAnaMw: r.vdd_ana_mw, vddSramMw: r.vdd_sram_mw },
  };
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
    return row
      ? intMatrix(
          row.rows,
          row.cols,
          view(row.data, (b) => new Int32Array(b)),
        )
      : null;
  }

  /**
   * Store a vector set once, reading it a single time in order: its chunks go in under a row with
   * no hash yet, hashed on the way; at the end the row takes the hash, or is dropped if a set with
   * that content is already stored. Returns the hash.
   */
  putVectorSet(src: VectorSource, generator: string | null, seed: number | null, chunkVectors = 4096): string {
    return this.guard(() => {
      const setId = Number(
        this.db
          .prepare(`INSERT INTO vector_sets (hash, rows, cols, generator, seed, created_at, owner_pid) VALUES (NULL, ?, ?, ?, ?, ?, ?)`)
          .run(src.rows, src.cols, generator, seed, this.now(), process.pid).lastInsertRowid,
      );
      const insert = this.db.prepare(`INSERT INTO vector_set_chunks (set_id, first_vector, vectors, encoding, data, deflated) VALUES (?, ?, ?, ?, ?, ?)`);
      const hasher = nodeContentHasher(src.rows, src.cols);
      forEachChunk(src, chunkVectors, (first, data, count) => {
        hasher.update(data);
        const { encoding, bytes } = packInputs(data);
        const packed = deflateRawSync(bytes, VECTORS_DEFLATE);
        const deflated = packed.length < bytes.length;
        insert.run(setId, first, count, encoding, deflated ? packed : bytes, deflated ? 1 : 0);
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
    const chunk = this.db.prepare(
      `SELECT first_vector, vectors, encoding, data, deflated FROM vector_set_chunks WHERE set_id = ? AND first_vector <= ? ORDER BY first_vector DESC LIMIT 1`,
    );
    type Chunk = { first_vector: number; vectors: number; encoding: 'u8' | 'u16' | 'i32'; data: Buffer; deflated: number };
    // the last chunk read, inflated once: batches seldom line up with chunks
    let last: { first: number; vectors: number; inputs: Uint8Array | Uint16Array | Int32Array } | null = null;
    const chunkAt = (v: number) => {
      if (last && v >= last.first && v < last.first + last.vectors) return last;
      const c = chunk.get(set.id, v) as Chunk;
      last = { first: c.first_vector, vectors: c.vectors, inputs: inputsView(c.encoding, c.deflated ? inflateRawSync(c.data) : c.data) };
      return last;
    };
    return {
      rows: set.rows,
      cols: set.cols,
      read: (first, count) => {
        const out = new Int32Array(count * set.cols);
        let v = first;
        while (v < first + count) {
          const c = chunkAt(v);
          const from = v - c.first;
          const n = Math.min(c.vectors - from, first + count - v);
          // widen straight into the batch: no whole-chunk copy on the streaming path
          out.set(c.inputs.subarray(from * set.cols, (from + n) * set.cols), (v - first) * set.cols);
          v += n;
        }
        return out;
      },
    };
  }

  /** A calibration record: the die it was measured on, and its gain and offset per column. */
  calibration(id: number): { id: number; guid: string; dieId: string; gain: Float64Array; offsetLsb: Float64Array } | null {
    const r = this.db.prepare(`SELECT id, guid, die_id, gain, offset_lsb FROM calibrations WHERE id = ?`).get(id) as
      { id: number; guid: string; die_id: string; gain: Buffer; offset_lsb: Buffer } | undefined;
    return r
      ? { id: r.id, guid: r.guid, dieId: r.die_id, gain: view(r.gain, (b) => new Float64Array(b)), offsetLsb: view(r.offset_lsb, (b) => new Float64Array(b)) }
      : null;
  }

  /** Store a calibration record: gain and offset (LSB) per physical column m * BW + j, measured on `dieId`. */
  putCalibration(c: { dieId: string; sourceRunId: number | null; gain: Float64Array; offsetLsb: Float64Array; notes: string | null }): { id: number; guid: string } {
    if (c.gain.length !== c.offsetLsb.length) throw new Error(`a calibration needs one offset per gain: ${c.gain.length} gains, ${c.offsetLsb.length} offsets`);
    const guid = randomUUID();
    const info = this.guard(() =>
      this.db
        .prepare(`INSERT INTO calibrations (guid, die_id, source_run_id, gain, offset_lsb, created_at, notes) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(guid, c.dieId, c.sourceRunId, blob(c.gain), blob(c.offsetLsb), this.now(), c.notes),
    );
    return { id: Number(info.lastInsertRowid), guid };
  }

  /** A calibration record as clients read it (shared/api/runs.ts). */
  calibrationRecord(id: number): CalibrationRecord | null {
    return this.calibrationRecords('WHERE id = ?', id)[0] ?? null;
  }

  /** Calibration records, newest first; only those measured on `dieId` when given. */
  calibrations(dieId?: string): CalibrationRecord[] {
    return dieId === undefined ? this.calibrationRecords('ORDER BY id DESC') : this.calibrationRecords('WHERE die_id = ? ORDER BY id DESC', dieId);
  }

  private calibrationRecords(where: string, ...params: (string | number)[]): CalibrationRecord[] {
    type Row = { id: number; guid: string; die_id: string; source_run_id: number | null; gain: Buffer; offset_lsb: Buffer; created_at: string; notes: string | null };
    const rows = this.db.prepare(`SELECT id, guid, die_id, source_run_id, gain, offset_lsb, created_at, notes FROM calibrations ${where}`).all(...params) as Row[];
    const floats = (b: Buffer) => Array.from(view(b, (x) => new Float64Array(x)));
    return rows.map((r) => ({
      id: r.id,
      guid: r.guid,
      dieId: r.die_id,
      sourceRunId: r.source_run_id,
      gain: floats(r.gain),
      offsetLsb: floats(r.offset_lsb),
      createdAt: r.created_at,
      notes: r.notes,
    }));
  }

  /** A bench session: who, where, which die (the operator's label), at what ambient temperature; runs point at it. */
  createSession(s: { operator: string | null; bench: string | null; dieId?: string | null; ambientC: number | null; notes: string | null }): number {
    return this.guard(() =>
      Number(
        this.db
          .prepare(`INSERT INTO sessions (guid, operator, bench, die_label, ambient_c, notes, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
          .run(randomUUID(), s.operator, s.bench, s.dieId ?? null, s.ambientC, s.notes, this.now()).lastInsertRowid,
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
        .run(
          guid,
          r.sessionId ?? null,
          r.parentId ?? null,
          r.kind,
          r.label ?? null,
          process.pid,
          r.mode,
          JSON.stringify(r.config),
          JSON.stringify(r.provenance),
          r.vectorSet,
          r.weightSet,
          r.calibrationId ?? null,
          r.vectorsTotal,
          r.repeat,
          at,
          at,
        ),
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

  /**
   * One batch, atomically: its block, power and wire lines, and the run's progress. The block and
   * the wire lines are packed first, outside the transaction (in the writer thread, this is where
   * the deflating happens, off the streaming thread).
   */
  commitBlock(runId: number, b: StoredBlock, wire: WireLines | null): void {
    const s = b.summary;
    const at = this.now();
    const data = encodeMeasured(b, b.planes);
    const lines = wire && this.encodeWireLines(runId, b, wire);
    this.guard(() =>
      this.db.transaction(() => {
        this.db
          .prepare(
            `INSERT INTO result_blocks (run_id, block, first_vector, vectors, repeat_count, outputs, planes, data, macs, digital_mismatches, level_agreements,
               signal_sq, error_sq, model_error_sq, yhat_residual_min, yhat_residual_max, code_residual_count, code_residual_sum, code_residual_sq,
               code_residual_min, code_residual_max, model_energy_pj, sample_json, committed_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            runId,
            b.block,
            b.firstVector,
            b.vectors,
            b.repeat,
            b.outputs,
            b.planes,
            data,
            s.macs,
            s.digitalMismatches,
            s.levelAgreements,
            s.signalSq,
            s.errorSq,
            s.modelErrorSq,
            s.yhatResidualMin,
            s.yhatResidualMax,
            s.codeResidualCount,
            s.codeResidualSum,
            s.codeResidualSq,
            s.codeResidualMin,
            s.codeResidualMax,
            s.modelEnergyPj,
            s.sample ? JSON.stringify(s.sample) : null,
            at,
          );
        const p = b.power;
        this.db
          .prepare(`INSERT INTO power (run_id, block, burst_us, die_temp_c, vdd_dig_mw, vdd_ana_mw, vdd_sram_mw) VALUES (?, ?, ?, ?, ?, ?, ?)`)
          .run(runId, b.block, p.burstUs, p.dieTempC, p.vddDigMw, p.vddAnaMw, p.vddSramMw);
        if (lines)
          this.db
            .prepare(`INSERT INTO wire_log (run_id, block, to_board, to_host, encoding) VALUES (?, ?, ?, ?, 'frames')`)
            .run(runId, b.block, lines.toBoard, lines.toHost);
        this.db.prepare(`UPDATE runs SET vectors_done = ?, updated_at = ? WHERE id = ?`).run(b.firstVector + b.vectors, at, runId);
      })(),
    );
  }

  /** The run whose vector set the wire codec last read, and that set (read chunk by chunk, the last chunk kept). */
  private wireSet: { runId: number; vectors: WireVectors | null } | null = null;

  /** A run's vector set for the wire codec, or null when the run has none. */
  private wireVectors(runId: number): WireVectors | null {
    if (this.wireSet?.runId !== runId) {
      const r = this.db.prepare(`SELECT vector_set FROM runs WHERE id = ?`).get(runId) as { vector_set: string | null } | undefined;
      this.wireSet = { runId, vectors: r?.vector_set ? this.vectorSet(r.vector_set) : null };
    }
    return this.wireSet.vectors;
  }

  /**
   * A batch's wire lines in the 'frames' format (engine/store/wire-codec.ts): VEC payloads that
   * repeat the run's vector set become references to it, looked for first where this batch and
   * the next one start (the lines taken at a batch's commit carry the next batch's loads).
   */
  private encodeWireLines(runId: number, b: StoredBlock, wire: WireLines): { toBoard: Buffer; toHost: Buffer } {
    const ctx = { vectors: this.wireVectors(runId), starts: [b.firstVector, b.firstVector + b.vectors] };
    return { toBoard: encodeWire(wire.toBoard, ctx), toHost: encodeWire(wire.toHost, { vectors: null }) };
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
      if (row) return this.toRow(row);
      // a GUID prefix can be all digits (about one in forty of 8 hex digits): not an id, then a prefix
    }
    if (text.length < 6 || typeof ref === 'number') return null;
    // a prefix must name one run: two matches are as good as none
    const rows = this.db.prepare(`${RunStore.SELECT} WHERE guid LIKE ? || '%' ORDER BY id LIMIT 2`).all(text) as RunDbRow[];
    return rows.length === 1 ? this.toRow(rows[0] as RunDbRow) : null;
  }

  listRuns(limit = 50, tag?: string): RunRow[] {
    const rows = (
      tag
        ? this.db.prepare(`${RunStore.SELECT} WHERE id IN (SELECT run_id FROM tags WHERE tag = ?) ORDER BY id DESC LIMIT ?`).all(tag, limit)
        : this.db.prepare(`${RunStore.SELECT} ORDER BY id DESC LIMIT ?`).all(limit)
    ) as RunDbRow[];
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
    const r = this.db
      .prepare(`SELECT coalesce(max(first_vector + vectors), 0) AS vectors, coalesce(max(block) + 1, 0) AS nextBlock FROM result_blocks WHERE run_id = ?`)
      .get(runId) as {
      vectors: number;
      nextBlock: number;
    };
    return r;
  }

  /** A run's block summaries, in vector order: figures and power, no blob read (`runs show`, taking a run up). */
  blockSummaries(runId: number, options: SampleOption = {}): BlockSummaryRecord[] {
    const rows = this.db
      .prepare(`SELECT ${summaryColumns(options)} FROM result_blocks JOIN power USING (run_id, block) WHERE run_id = ? ORDER BY block`)
      .all(runId) as SummaryRow[];
    return rows.map(summaryOf);
  }

  /** Committed blocks of a run with their measured values, in vector order, one at a time (memory stays flat). */
  *blocks(runId: number, options: SampleOption = {}): Generator<StoredBlock> {
    const rows = this.db
      .prepare(`SELECT ${summaryColumns(options)}, data FROM result_blocks JOIN power USING (run_id, block) WHERE run_id = ? ORDER BY block`)
      .iterate(runId) as IterableIterator<SummaryRow & { data: Buffer }>;
    for (const r of rows) {
      const m = decodeMeasured(r.data);
      yield { ...summaryOf(r), digital: m.digital, saliency: m.saliency, level: m.level, codes: m.codes };
    }
  }

  /** One committed block's measured values, by its number (one blob read); null when the run has no such block. */
  measuredBlock(runId: number, block: number): MeasuredValues | null {
    const row = this.db.prepare(`SELECT data FROM result_blocks WHERE run_id = ? AND block = ?`).get(runId, block) as { data: Buffer } | undefined;
    return row ? decodeMeasured(row.data) : null;
  }

  /** When each block of a run was committed, ms since the epoch (NaN where unreadable): the run's own pace. */
  blockCommitTimes(runId: number): Map<number, number> {
    const rows = this.db.prepare(`SELECT block, committed_at FROM result_blocks WHERE run_id = ?`).all(runId) as { block: number; committed_at: string }[];
    return new Map(rows.map((r) => [r.block, Date.parse(r.committed_at)]));
  }

  /** The calibration record a run read its codes through, if any. */
  calibrationIdOf(runId: number): number | null {
    const r = this.db.prepare(`SELECT calibration_id FROM runs WHERE id = ?`).get(runId) as { calibration_id: number | null } | undefined;
    return r?.calibration_id ?? null;
  }

  /**
   * Wire lines of a run's batch, exactly as they crossed the link: 'frames' rows decoded (VEC
   * payloads re-encoded from the run's vector set), rows of schema 3 inflated, older rows as text.
   */
  wireLines(runId: number, block: number): WireLines | null {
    const r = this.db.prepare(`SELECT to_board, to_host, encoding FROM wire_log WHERE run_id = ? AND block = ?`).get(runId, block) as
      { to_board: string | Buffer; to_host: string | Buffer; encoding: string } | undefined;
    if (!r) return null;
    if (r.encoding === 'frames') {
      const vectors = () => {
        const set = this.wireVectors(runId);
        if (!set) throw new Error(`the wire log of run ${runId} refers to its vector set, and the run has none in the store`);
        return set;
      };
      return { toBoard: decodeWire(r.to_board as Buffer, vectors), toHost: decodeWire(r.to_host as Buffer, vectors) };
    }
    const text = (v: string | Buffer) => (r.encoding === 'deflate' ? inflateRawSync(v).toString('utf8') : (v as string));
    const lines = (v: string | Buffer) => {
      const t = text(v);
      return t === '' ? [] : t.split('\n');
    };
    return { toBoard: lines(r.to_board), toHost: lines(r.to_host) };
  }

  close(): void {
    this.db.close();
  }
}
