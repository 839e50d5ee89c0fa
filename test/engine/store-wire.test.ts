// The wire log's 'frames' format: every line back exactly as it crossed, whatever it was; VEC
// payloads that repeat the run's vector set kept as references; rows of schema 3 still readable.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../drivers/clock';
import { parseDieConfig } from '../../drivers/sim/die-config';
import type { WireLines } from '../../drivers/transport/recording';
import { simBoardLink } from '../../engine/board/board-link';
import { executeRun } from '../../engine/run/run-engine';
import { inlineBlockWriter, workerBlockWriter, type BlockWriter } from '../../engine/store/block-writer';
import { loadMigrations, schemaVersion } from '../../engine/store/migrate';
import { openDatabase } from '../../engine/store/open-store';
import { RunStore, type StoredBlock } from '../../engine/store/run-store';
import { openRunStore } from '../../engine/store/store';
import { decodeWire, encodeWire, OP, type WireVectors } from '../../engine/store/wire-codec';
import { frame } from '../../shared/protocol/frame';
import { DEFAULT_PROFILE } from '../../shared/model/profile';
import { generateWorkload } from '../../shared/workload/generators';
import { matrixSource } from '../../shared/workload/vector-source';

const tmp = () => mkdtempSync(join(tmpdir(), 'osa-wire-'));

/** A vector set in memory: `rows` vectors of `cols` inputs, values up to `max`. */
function memorySet(rows: number, cols: number, values: readonly number[]): WireVectors {
  const data = Int32Array.from({ length: rows * cols }, (_, k) => values[k % values.length] as number);
  return { rows, cols, read: (first, count) => data.slice(first * cols, (first + count) * cols) };
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const pack = (v: Int32Array, width: number) => (width === 1 ? Uint8Array.from(v) : new Uint8Array(Uint16Array.from(v).buffer));

const set = memorySet(40, 3, [0, 7, 255, 1, 0, 0, 300, 65535, 12, 9, 0, 128]);

/** Lines as a link could carry them: valid VEC loads of the set (or near misses), other B payloads, answers, NAKs, events, garbage. */
const lineArb = (vectors: WireVectors): fc.Arbitrary<string> => {
  const anyUnit = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 40 });
  const latin1 = fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 60 });
  const seq = fc.integer({ min: 0, max: 65535 });
  const bytes = fc.uint8Array({ maxLength: 48 });
  const vec = fc
    .record({
      seq,
      index: fc.integer({ min: 0, max: vectors.rows - 1 }),
      count: fc.integer({ min: 1, max: 6 }),
      slot: fc.integer({ min: 0, max: 50 }),
      width: fc.constantFrom(1, 2),
      flip: fc.option(fc.nat(), { nil: undefined }),
    })
    .map(({ seq, index, count, slot, width, flip }) => {
      const n = Math.min(count, vectors.rows - index);
      const payload = pack(vectors.read(index, n), width);
      if (flip !== undefined && payload.length > 0) payload[flip % payload.length]! ^= 1; // a near miss: not the set's vectors
      return `${seq} VEC ${slot} ${n} B ${b64(payload)}`;
    });
  const other = fc.oneof(
    fc.tuple(seq, bytes).map(([s, b]) => `${s} OK 1000002 0 3 B ${b64(b)}`),
    fc.tuple(seq, bytes).map(([s, b]) => `${s} WGT 0 2 B ${b64(b)}`),
    fc.tuple(seq, latin1).map(([s, t]) => `${s} VEC 0 1 B ${t}`), // payloads that are not base64, or not canonical
    fc.tuple(seq, fc.constantFrom('QQ', 'QR==', 'QUI', 'Q===', '====', 'QUJD\n', ' ', 'AA==AA==')).map(([s, t]) => `${s} OK 5 1 B ${t}`),
    fc.tuple(seq, fc.nat()).map(([s, n]) => `${s} OK ${n} 23`),
    fc.constantFrom('- NAK CRC mismatch', '! TEL MS=3091 TEMP=25.09 VDD_DIG=0.060341', '', ' ', 'B', ' B ', 'x B AAAA', '*', '**00000000'),
    latin1,
  );
  const body = fc.oneof(vec, other);
  return fc.oneof(
    { weight: 4, arbitrary: body.map(frame) },
    // a corrupt CRC, a lower-case one, a missing one
    { weight: 1, arbitrary: fc.tuple(body, fc.nat()).map(([b, n]) => frame(b).slice(0, -1) + '0123456789ABCDEFab'[n % 18]) },
    { weight: 1, arbitrary: body.map((b) => frame(b).toLowerCase()) },
    { weight: 1, arbitrary: body },
    { weight: 1, arbitrary: anyUnit }, // any UTF-16, lone surrogates and newlines included
  );
};

/** A batch's loads as the host sends them: consecutive vectors from `base + slot`, slot after slot. */
const loadsArb = (vectors: WireVectors) =>
  fc
    .record({
      seq: fc.integer({ min: 0, max: 65000 }),
      base: fc.integer({ min: 0, max: 10 }),
      slot: fc.integer({ min: 0, max: 8 }),
      per: fc.integer({ min: 1, max: 5 }),
      lines: fc.integer({ min: 1, max: 4 }),
      width: fc.constantFrom(1, 2),
    })
    .map(({ seq, base, slot, per, lines, width }) => {
      const out: string[] = [];
      for (let k = 0, s = slot; k < lines && base + s + per <= vectors.rows; k++, s += per)
        out.push(frame(`${seq + k} VEC ${s} ${per} B ${b64(pack(vectors.read(base + s, per), width))}`));
      return out;
    });

/** With repeats (a resent line is the same line again, later) and a batch's loads among other lines. */
const linesArb = (vectors: WireVectors) =>
  fc
    .tuple(fc.array(lineArb(vectors), { maxLength: 30 }), fc.array(loadsArb(vectors), { maxLength: 2 }))
    .map(([lines, loads]) => [...loads.flat(), ...lines])
    .chain((lines) =>
      fc.array(fc.nat(), { maxLength: 6 }).map((picks) => {
        const out = [...lines];
        for (const p of picks) if (lines.length) out.splice(p % (out.length + 1), 0, lines[p % lines.length] as string);
        return out;
      }),
    );

describe('wire codec', () => {
  it('gives back any lines byte for byte, with a vector set and without', () => {
    let referred = 0; // runs with a line kept as a reference to the set
    fc.assert(
      fc.property(linesArb(set), fc.array(fc.integer({ min: -5, max: 12 }), { maxLength: 3 }), (lines, starts) => {
        const back = decodeWire(encodeWire(lines, { vectors: set, starts }), () => {
          referred++;
          return set;
        });
        expect(back).toEqual(lines);
        expect(
          decodeWire(encodeWire(lines), () => {
            throw new Error('no set asked for');
          }),
        ).toEqual(lines);
      }),
      { numRuns: 400 },
    );
    expect(referred).toBeGreaterThan(40);
  });

  it("keeps VEC payloads that are the set's vectors as references, and the rest as they were", () => {
    // pseudo-random values, which deflate cannot shrink: only a reference makes the lines small
    let x = 1;
    const big = memorySet(
      5000,
      256,
      Array.from({ length: 5000 * 256 }, () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24),
    );
    const loads = [0, 23, 46].map((slot, k) => frame(`${17 + k} VEC ${slot} 23 B ${b64(pack(big.read(4000 + slot, 23), 1))}`));
    const blob = encodeWire([...loads, loads[1] as string], { vectors: big, starts: [3977, 4000] });
    expect(blob.length).toBeLessThan(200); // 4 lines of 7.9 KB
    expect(decodeWire(blob, () => big)).toEqual([...loads, loads[1]]);
    // found without hints too, by the slot and by the lines before
    expect(decodeWire(encodeWire(loads, { vectors: big, starts: [4000] }), () => big)).toEqual(loads);
    // a payload one bit off is kept whole, and decodes without the set
    const off = Buffer.from(pack(big.read(4000, 23), 1));
    off[100]! ^= 4;
    const miss = frame(`1 VEC 0 23 B ${off.toString('base64')}`);
    const kept = encodeWire([miss], { vectors: big, starts: [4000] });
    expect(kept.length).toBeGreaterThan(23 * 256);
    expect(kept.equals(encodeWire([miss]))).toBe(true);
    expect(
      decodeWire(kept, () => {
        throw new Error('no set asked for');
      }),
    ).toEqual([miss]);
  });

  it('refuses to decode a reference without the vector set, and a blob of another format', () => {
    const line = frame(`1 VEC 0 2 B ${b64(pack(set.read(3, 2), 1))}`);
    const blob = encodeWire([line], { vectors: set, starts: [3] });
    expect(() =>
      decodeWire(blob, () => {
        throw new Error('the run has no vector set');
      }),
    ).toThrow(/no vector set/);
    expect(() => decodeWire(Buffer.from([9, 0]), () => set)).toThrow(/unknown format 9/);
    expect(OP.vectors).toBe(3);
  });
});

/** A sim run whose writer keeps a copy of the wire lines it is handed. */
async function capturedRun(path: string, useWorker: boolean, vectors = 600) {
  const w = generateWorkload(DEFAULT_PROFILE, { kind: 'relu', vectors, seed: 4 });
  const { store } = openRunStore(path);
  const board = simBoardLink({ die: parseDieConfig({}), clock: systemClock });
  const inner: BlockWriter = useWorker ? workerBlockWriter(path) : inlineBlockWriter(store);
  const handed: WireLines[] = [];
  const writer: BlockWriter = {
    ...inner,
    write: (runId: number, b: StoredBlock, wire: WireLines | null, done?: () => void) => {
      handed.push({ toBoard: [...(wire?.toBoard ?? [])], toHost: [...(wire?.toHost ?? [])] });
      return inner.write(runId, b, wire, done);
    },
  };
  const s = await executeRun(
    { profile: DEFAULT_PROFILE, config: { mode: 'osa' }, weights: w.weights, vectors: matrixSource(w.vectors), source: { generator: 'relu', seed: 4 }, logWire: true },
    { store, board, clock: systemClock, writer },
  );
  await inner.close();
  await board.dispose();
  return { store, s, handed };
}

describe('the wire log of a run', () => {
  for (const useWorker of [false, true]) {
    it(`gives back every line of every batch as it crossed (${useWorker ? 'writer thread' : 'inline'}), VEC payloads as references to the vector set`, async () => {
      const path = join(tmp(), 'runs.db');
      const { store, s, handed } = await capturedRun(path, useWorker);
      expect(s.state).toBe('completed');
      const blocks = store.blockSummaries(s.runId);
      expect(blocks.length).toBeGreaterThan(3);
      let vecLines = 0;
      blocks.forEach((b, k) => {
        const got = store.wireLines(s.runId, b.block)!;
        expect(got).toEqual(handed[k]);
        vecLines += got.toBoard.filter((l) => / VEC /.test(l)).length;
      });
      expect(vecLines).toBeGreaterThan(3);
      const rows = store.db.prepare(`SELECT encoding, sum(length(to_board)) AS board FROM wire_log WHERE run_id = ? GROUP BY encoding`).all(s.runId) as {
        encoding: string;
        board: number;
      }[];
      expect(rows.map((r) => r.encoding)).toEqual(['frames']);
      // the VEC payloads (600 x 256 bytes, a third more as base64) are not in the log
      expect(rows[0]!.board).toBeLessThan(600 * 10);
      store.close();
    });
  }
});

describe('migration 0004 (wire frames)', () => {
  it('keeps the rows of schema 3 (deflate) and before (text), which read back as they were', () => {
    const path = join(tmp(), 'v3.db');
    const db = openDatabase(path, { migrations: loadMigrations().slice(0, 3) });
    expect(schemaVersion(db)).toBe(3);
    const runId = Number(
      db
        .prepare(
          `INSERT INTO runs (guid, kind, state, mode, config_json, provenance_json, vectors_total, started_at, updated_at) VALUES ('g', 'run', 'completed', 'osa', '{}', '{}', 0, 'then', 'then')`,
        )
        .run().lastInsertRowid,
    );
    const toBoard = [frame('16 RES? 1000002 0 13'), frame('17 VEC 0 1 B AAB3AHUA'), 'garbage *', ''];
    const toHost = [frame('17 OK 0 1'), '- NAK CRC mismatch*D30A638F', frame('16 OK 1000002 0 1 B AGj//w==')];
    db.prepare(`INSERT INTO wire_log (run_id, block, to_board, to_host, encoding) VALUES (?, 0, ?, ?, 'deflate')`).run(
      runId,
      deflateRawSync(toBoard.join('\n')),
      deflateRawSync(toHost.join('\n')),
    );
    db.prepare(`INSERT INTO wire_log (run_id, block, to_board, to_host) VALUES (?, 1, ?, ?)`).run(runId, toBoard.join('\n'), toHost.join('\n'));
    db.close();
    const after = openDatabase(path);
    expect(schemaVersion(after)).toBe(loadMigrations().length);
    const store = new RunStore(after, path);
    expect(store.wireLines(runId, 0)).toEqual({ toBoard, toHost });
    expect(store.wireLines(runId, 1)).toEqual({ toBoard, toHost });
    expect(after.prepare(`SELECT block, encoding FROM wire_log ORDER BY block`).all()).toEqual([
      { block: 0, encoding: 'deflate' },
      { block: 1, encoding: 'text' },
    ]);
    expect(after.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(after.pragma('foreign_key_check')).toEqual([]);
    store.close();
  });
});
