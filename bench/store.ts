// The store's formats against the ones they replaced, on the same blocks and wire lines: bytes per
// million vectors, ingest (commit) and read-back times, in the same process, interleaved rounds.
// Schema 2's commit and read are kept here, verbatim in what they write, as the baseline of the
// block format; schema 3's wire log (deflate level 1 of the text) as the baseline of the 'frames'
// wire log of schema 4.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import type Database from 'better-sqlite3';
import { systemClock } from '../drivers/clock';
import { parseDieConfig } from '../drivers/sim/die-config';
import type { WireLines } from '../drivers/transport/recording';
import { simBoardLink } from '../engine/board/board-link';
import { executeRun } from '../engine/run/run-engine';
import { inlineBlockWriter } from '../engine/store/block-writer';
import { loadMigrations } from '../engine/store/migrate';
import { openDatabase } from '../engine/store/open-store';
import { RunStore, type StoredBlock } from '../engine/store/run-store';
import { DEFAULT_PROFILE } from '../shared/model/profile';
import { workloadSource } from '../shared/workload/generators';
import { median, report } from './report';

const blob = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const view = <T>(b: Buffer, make: (buf: ArrayBuffer) => T): T => make(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);

/** Schema 2's RunStore.commitBlock: every field its own blob, codes int8 for all 64 planes, the model's expectation and yhat beside them (float64, uint8: zeros of their size here, as they cost the same), wire lines as text. */
function legacyCommit(db: Database.Database, runId: number, b: StoredBlock, wire: WireLines | null): void {
  const s = b.summary;
  const macs = b.digital.length;
  const yhat = new Float64Array(macs);
  const modelLevel = new Uint8Array(macs);
  const codes = new Int8Array(b.codes.length);
  codes.set(b.codes);
  db.transaction(() => {
    db.prepare(
      `INSERT INTO result_blocks (run_id, block, first_vector, vectors, repeat_count, outputs, planes, digital, saliency, level, codes, yhat,
         model_yhat, model_level, exact, macs, digital_mismatches, level_agreements, signal_sq, error_sq, model_error_sq, yhat_residual_min,
         yhat_residual_max, code_residual_count, code_residual_sum, code_residual_sq, code_residual_min, code_residual_max, model_energy_pj, committed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      runId,
      b.block,
      b.firstVector,
      b.vectors,
      b.repeat,
      b.outputs,
      b.planes,
      blob(Int32Array.from(b.digital)),
      blob(Int32Array.from(b.saliency)),
      blob(b.level),
      blob(codes),
      blob(yhat),
      blob(yhat),
      blob(modelLevel),
      blob(yhat),
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
      new Date().toISOString(),
    );
    const p = b.power;
    db.prepare(`INSERT INTO power (run_id, block, burst_us, die_temp_c, vdd_dig_mw, vdd_ana_mw, vdd_sram_mw) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
      runId,
      b.block,
      p.burstUs,
      p.dieTempC,
      p.vddDigMw,
      p.vddAnaMw,
      p.vddSramMw,
    );
    if (wire)
      db.prepare(`INSERT INTO wire_log (run_id, block, to_board, to_host) VALUES (?, ?, ?, ?)`).run(runId, b.block, wire.toBoard.join('\n'), wire.toHost.join('\n'));
    db.prepare(`UPDATE runs SET vectors_done = ? WHERE id = ?`).run(b.firstVector + b.vectors, runId);
  })();
}

/** Schema 3's RunStore.commitBlock: today's block, its wire lines as deflate level 1 of the text joined by '\n', in one transaction. */
function schema3Commit(store: RunStore, runId: number, b: StoredBlock, wire: WireLines | null): void {
  store.db.transaction(() => {
    store.commitBlock(runId, b, null);
    if (wire) {
      store.db
        .prepare(`INSERT INTO wire_log (run_id, block, to_board, to_host, encoding) VALUES (?, ?, ?, ?, 'deflate')`)
        .run(runId, b.block, deflateRawSync(wire.toBoard.join('\n'), { level: 1 }), deflateRawSync(wire.toHost.join('\n'), { level: 1 }));
    }
  })();
}

/** Schema 2's RunStore.blocks: every blob copied into its typed array. Returns a checksum so nothing is optimized away. */
function legacyRead(db: Database.Database, runId: number): number {
  let n = 0;
  for (const r of db.prepare(`SELECT * FROM result_blocks JOIN power USING (run_id, block) WHERE run_id = ? ORDER BY block`).iterate(runId) as IterableIterator<
    Record<string, Buffer>
  >) {
    const arrays = [
      view(r.digital as Buffer, (b) => new Int32Array(b)),
      view(r.saliency as Buffer, (b) => new Int32Array(b)),
      view(r.level as Buffer, (b) => new Uint8Array(b)),
      view(r.codes as Buffer, (b) => new Int8Array(b)),
      view(r.yhat as Buffer, (b) => new Float64Array(b)),
      view(r.model_yhat as Buffer, (b) => new Float64Array(b)),
      view(r.model_level as Buffer, (b) => new Uint8Array(b)),
      view(r.exact as Buffer, (b) => new Float64Array(b)),
    ];
    n += arrays.reduce((s, a) => s + a.length, 0);
  }
  return n;
}

/** Bytes of a table and its indexes, from SQLite's page statistics. */
function tableBytes(db: Database.Database, names: readonly string[]): number {
  const like = names.map(() => `name = ? OR name LIKE 'sqlite_autoindex_' || ? || '%'`).join(' OR ');
  return (db.prepare(`SELECT coalesce(sum(pgsize), 0) AS n FROM dbstat WHERE ${like}`).get(...names.flatMap((n) => [n, n])) as { n: number }).n;
}

/** A sim run's blocks and wire lines, as the run handed them to the store. */
async function capture(vectors: number): Promise<{ blocks: StoredBlock[]; wires: WireLines[]; source: ReturnType<typeof workloadSource> }> {
  const dir = mkdtempSync(join(tmpdir(), 'osa-bench-store-'));
  const path = join(dir, 'capture.db');
  const store = new RunStore(openDatabase(path), path);
  const blocks: StoredBlock[] = [];
  const wires: WireLines[] = [];
  const inline = inlineBlockWriter(store);
  const writer = {
    ...inline,
    write: async (runId: number, b: StoredBlock, wire: WireLines | null, done?: () => void) => {
      blocks.push(b);
      wires.push(wire ?? { toBoard: [], toHost: [] });
      await inline.write(runId, b, wire, done);
    },
  };
  const source = workloadSource(DEFAULT_PROFILE, { kind: 'relu', vectors, seed: 1 });
  const board = simBoardLink({ die: parseDieConfig({}), clock: systemClock });
  await executeRun(
    { profile: DEFAULT_PROFILE, config: { mode: 'osa' }, weights: source.weights, vectors: source.vectors, source: { generator: 'relu', seed: 1 }, logWire: true },
    { store, board, clock: systemClock, writer },
  );
  await board.dispose();
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return { blocks, wires, source };
}

interface Round {
  ingestMs: number;
  /** the same blocks committed again without their wire lines */
  ingestNoWireMs: number;
  readMs: number;
  summaryMs: number;
  resultBytes: number;
  wireBytes: number;
  vectorBytes: number;
}

function newRun(db: Database.Database, vectorSet: string | null): number {
  return Number(
    db
      .prepare(
        `INSERT INTO runs (guid, kind, state, mode, config_json, provenance_json, vector_set, vectors_total, started_at, updated_at) VALUES (?, 'run', 'running', 'osa', ?, '{}', ?, 0, 'now', 'now')`,
      )
      .run(`bench-${Math.random()}`, JSON.stringify({ mode: 'osa', profile: DEFAULT_PROFILE }), vectorSet).lastInsertRowid,
  );
}

/** schema 2; schema 3 (today's blocks, the wire log as deflated text: its wire figures only); schema 4, as shipped */
type Schema = 2 | 3 | 4;

function round(dir: string, schema: Schema, data: Awaited<ReturnType<typeof capture>>, k: number): Round {
  const legacy = schema === 2;
  const path = join(dir, `v${schema}-${k}.db`);
  const db = openDatabase(path, legacy ? { migrations: loadMigrations().slice(0, 2) } : {});
  const store = new RunStore(db, path);
  let hash: string | null = null;
  if (legacy) {
    // schema 2 stored each chunk raw in its narrowest encoding
    const rows = data.source.vectors.rows;
    db.prepare(`INSERT INTO vector_sets (hash, rows, cols, created_at) VALUES ('sha256:bench', ?, ?, 'now')`).run(rows, DEFAULT_PROFILE.rows);
    for (let v = 0; v < rows; v += 4096) {
      const n = Math.min(4096, rows - v);
      db.prepare(`INSERT INTO vector_set_chunks (set_id, first_vector, vectors, encoding, data) VALUES (1, ?, ?, 'u8', ?)`).run(
        v,
        n,
        blob(Uint8Array.from(data.source.vectors.read(v, n))),
      );
    }
  } else hash = store.putVectorSet(data.source.vectors, 'relu', 1);
  // the run refers to its vector set: schema 4's wire log refers to it in turn
  const runId = newRun(db, hash);
  const commit = (id: number, b: StoredBlock, wire: WireLines | null) =>
    schema === 2 ? legacyCommit(db, id, b, wire) : schema === 3 ? schema3Commit(store, id, b, wire) : store.commitBlock(id, b, wire);
  const t0 = performance.now();
  data.blocks.forEach((b, i) => commit(runId, b, data.wires[i] ?? null));
  const ingestMs = performance.now() - t0;
  const bytes = { resultBytes: tableBytes(db, ['result_blocks', 'power']), wireBytes: tableBytes(db, ['wire_log']), vectorBytes: tableBytes(db, ['vector_set_chunks']) };
  // every line back as it crossed, as a check (not timed)
  if (schema === 4 && k === 0) {
    data.blocks.forEach((b, i) => {
      const back = store.wireLines(runId, b.block);
      const sent = data.wires[i];
      if (JSON.stringify(back) !== JSON.stringify(sent)) throw new Error(`block ${b.block}: the wire lines do not read back as they were sent`);
    });
  }
  if (schema === 3) {
    store.close();
    return { ingestMs, ingestNoWireMs: NaN, readMs: NaN, summaryMs: NaN, ...bytes };
  }
  const noWire = newRun(db, hash);
  const t2 = performance.now();
  for (const b of data.blocks) commit(noWire, b, null);
  const ingestNoWireMs = performance.now() - t2;
  const t1 = performance.now();
  if (legacy) legacyRead(db, runId);
  else for (const b of store.blocks(runId)) if (b.digital.length === 0) throw new Error('empty block');
  const readMs = performance.now() - t1;
  // what runs show and taking a run up read: schema 2 had only the full rows, schema 3 has summaries
  const t3 = performance.now();
  if (legacy) legacyRead(db, runId);
  else store.blockSummaries(runId);
  const summaryMs = performance.now() - t3;
  const result = { ingestMs, ingestNoWireMs, readMs, summaryMs, ...bytes };
  store.close();
  return result;
}

export async function benchStore(vectors = 40_960, rounds = 5): Promise<void> {
  const data = await capture(vectors);
  const dir = mkdtempSync(join(tmpdir(), 'osa-bench-store-'));
  const before: Round[] = [];
  const wire3: Round[] = [];
  const after: Round[] = [];
  round(dir, 2, data, 0); // warm every path; schema 4's checks that every wire line reads back
  round(dir, 3, data, 0);
  round(dir, 4, data, 0);
  for (let k = 1; k <= rounds; k++) {
    before.push(round(dir, 2, data, k));
    wire3.push(round(dir, 3, data, k));
    after.push(round(dir, 4, data, k));
  }
  rmSync(dir, { recursive: true, force: true });
  const perM = (bytes: number) => (bytes / vectors) * 1e6;
  const med = (rs: Round[], f: (r: Round) => number) => median(rs.map(f));
  const b = before[0] as Round;
  const a = after[0] as Round;
  const w3 = wire3[0] as Round;
  const mb = (x: number) => perM(x) / 1e6;
  const noWireBefore = mb(b.resultBytes + b.vectorBytes);
  const noWireAfter = mb(a.resultBytes + a.vectorBytes);
  const rate = (ms: number) => vectors / (ms / 1000);
  report('store', [
    [
      'schema 2: results + vector set (MB per million vectors)',
      noWireBefore,
      `${vectors} relu vectors, osa, default profile, in-process sim, blocks of 4096; SQLite pages (dbstat)`,
    ],
    ['schema 4: results + vector set (MB per million vectors)', noWireAfter, `target <= 350; ${(noWireBefore / noWireAfter).toFixed(2)}x smaller`],
    ['  schema 2 result blocks + power (MB/M)', mb(b.resultBytes), ''],
    ['  schema 4 result blocks + power (MB/M)', mb(a.resultBytes), `${(b.resultBytes / a.resultBytes).toFixed(2)}x smaller`],
    ['  schema 2 vector set (MB/M)', mb(b.vectorBytes), ''],
    ['  schema 4 vector set (MB/M)', mb(a.vectorBytes), ''],
    ['schema 2 wire log (MB per million vectors)', mb(b.wireBytes), 'text'],
    ['schema 3 wire log (MB per million vectors)', mb(w3.wireBytes), `deflate level 1 of the text; ${(b.wireBytes / w3.wireBytes).toFixed(2)}x smaller than schema 2`],
    [
      'schema 4 wire log (MB per million vectors)',
      mb(a.wireBytes),
      `'frames'; target <= 250; ${(w3.wireBytes / a.wireBytes).toFixed(2)}x smaller than schema 3, ${(b.wireBytes / a.wireBytes).toFixed(2)}x than schema 2`,
    ],
    ['schema 2 ingest, wire log on (vectors/s in commit)', rate(med(before, (r) => r.ingestMs)), `median of ${rounds} interleaved rounds`],
    [
      'schema 3 ingest, wire log on (vectors/s in commit)',
      rate(med(wire3, (r) => r.ingestMs)),
      `${(med(before, (r) => r.ingestMs) / med(wire3, (r) => r.ingestMs)).toFixed(2)}x schema 2 (packing and deflate included)`,
    ],
    [
      'schema 4 ingest, wire log on (vectors/s in commit)',
      rate(med(after, (r) => r.ingestMs)),
      `${(med(wire3, (r) => r.ingestMs) / med(after, (r) => r.ingestMs)).toFixed(2)}x schema 3, ${(med(before, (r) => r.ingestMs) / med(after, (r) => r.ingestMs)).toFixed(2)}x schema 2 (vector set lookups included)`,
    ],
    ['schema 2 ingest, no wire log (vectors/s in commit)', rate(med(before, (r) => r.ingestNoWireMs)), ''],
    [
      'schema 4 ingest, no wire log (vectors/s in commit)',
      rate(med(after, (r) => r.ingestNoWireMs)),
      `${(med(before, (r) => r.ingestNoWireMs) / med(after, (r) => r.ingestNoWireMs)).toFixed(2)}x schema 2`,
    ],
    ['schema 2 read back (vectors/s, store.blocks)', rate(med(before, (r) => r.readMs)), 'every blob into its typed array'],
    [
      'schema 4 read back (vectors/s, store.blocks)',
      rate(med(after, (r) => r.readMs)),
      `${(med(before, (r) => r.readMs) / med(after, (r) => r.readMs)).toFixed(2)}x schema 2 (inflate and unpack included)`,
    ],
    [
      'block summaries for runs show (vectors/s)',
      rate(med(after, (r) => r.summaryMs)),
      `${(med(before, (r) => r.summaryMs) / med(after, (r) => r.summaryMs)).toFixed(1)}x schema 2, which read every blob for them`,
    ],
  ]);
}
