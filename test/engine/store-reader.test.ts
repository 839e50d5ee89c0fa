// Blocks read back from a run: the measured values as the board sent them, the model's
// expectation recomputed from the stored stimulus, and summaries without blobs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../drivers/clock';
import { parseDieConfig } from '../../drivers/sim/die-config';
import { simBoardLink } from '../../engine/board/board-link';
import { executeRun } from '../../engine/run/run-engine';
import { blocksWithModel } from '../../engine/store/block-reader';
import type { StoredBlock } from '../../engine/store/run-store';
import { openRunStore } from '../../engine/store/store';
import { inlineBlockWriter } from '../../engine/store/block-writer';
import { createDieModel } from '../../shared/model/evaluator';
import { rowSlice } from '../../shared/model/matrix';
import { DEFAULT_PROFILE } from '../../shared/model/profile';
import { generateWorkload } from '../../shared/workload/generators';
import { matrixSource } from '../../shared/workload/vector-source';
import type { ModeConfig } from '../../shared/model/modes';

const workload = generateWorkload(DEFAULT_PROFILE, { kind: 'relu', vectors: 500, seed: 9 });

async function run(config: ModeConfig, repeat: number) {
  const path = join(mkdtempSync(join(tmpdir(), 'osa-reader-')), 'runs.db');
  const { store } = openRunStore(path);
  const board = simBoardLink({ die: parseDieConfig({}), clock: systemClock });
  // keep what the run handed to the store, to compare with what reads back
  const sent: StoredBlock[] = [];
  const inline = inlineBlockWriter(store);
  const writer = {
    ...inline,
    write: (runId: number, b: StoredBlock, wire: Parameters<typeof inline.write>[2], done?: () => void) => {
      sent.push({ ...b, digital: b.digital.slice(), saliency: b.saliency.slice(), level: b.level.slice(), codes: b.codes.slice() });
      return inline.write(runId, b, wire, done);
    },
  };
  const s = await executeRun(
    {
      profile: DEFAULT_PROFILE,
      config,
      weights: workload.weights,
      vectors: matrixSource(workload.vectors),
      source: { generator: 'relu', seed: 9 },
      batchVectors: 150,
      repeat,
      logWire: true,
    },
    { store, board, clock: systemClock, writer },
  );
  await board.dispose();
  return { store, s, sent };
}

const same = (a: ArrayBufferView, b: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('reading a run back', () => {
  for (const [config, repeat] of [
    [{ mode: 'osa' }, 1],
    [{ mode: 'osa' }, 2],
    [{ mode: 'hcim', boundary: 9, skip: 2 }, 1],
    [{ mode: 'acim' }, 2],
  ] as const) {
    it(`${config.mode}, repeat ${repeat}: measured values bit for bit, the model's expectation recomputed as the run had it`, async () => {
      const { store, s, sent } = await run(config, repeat);
      expect(s.state).toBe('completed');
      const stored: StoredBlock[] = [...store.blocks(s.runId)];
      expect(stored.map((b) => b.firstVector)).toEqual([0, 150, 300, 450]);
      stored.forEach((b, k) => {
        const r = sent[k]!;
        for (const f of ['digital', 'saliency', 'level', 'codes'] as const) expect(same(b[f], r[f])).toBe(true);
        expect(b.digital.length).toBe(b.vectors * repeat * 8);
        if (config.mode !== 'osa') expect(b.saliency.every((x) => x === 0)).toBe(true);
      });
      const withModel = [...blocksWithModel(store, s.runId)];
      // the model's expectation as the model gives it for the run's own stimulus, each result of a repeated batch alike
      const model = createDieModel(DEFAULT_PROFILE, workload.weights);
      withModel.forEach((b, k) => {
        const e = model.evaluate(rowSlice(workload.vectors, b.firstVector, b.firstVector + b.vectors), config, { codes: true });
        const n = b.vectors * repeat * DEFAULT_PROFILE.outputs;
        const tile = <A extends Float64Array | Uint8Array>(from: ArrayLike<number>, out: A) => {
          for (let i = 0; i < n; i++) out[i] = from[i % from.length] as number;
          return out;
        };
        expect(same(b.modelYhat, tile(e.yhat, new Float64Array(n)))).toBe(true);
        expect(same(b.modelLevel, tile(e.level, new Uint8Array(n)))).toBe(true);
        expect(same(b.exact, tile(e.exact, new Float64Array(n)))).toBe(true);
        // the figures the run committed with the block come back from the measured yhat recomputed on read
        let errorSq = 0;
        for (let i = 0; i < n; i++) errorSq += ((b.yhat[i] as number) - (b.exact[i] as number)) ** 2;
        expect(errorSq).toBeCloseTo(sent[k]!.summary.errorSq, 6);
      });
      // summaries alone, with power: no blob decoded
      expect(store.blockSummaries(s.runId)).toEqual(stored.map(({ digital: _d, saliency: _s, level: _l, codes: _c, ...rest }) => rest));
      const wire = store.wireLines(s.runId, 0)!;
      expect(wire.toBoard.some((l) => / VEC /.test(l))).toBe(true);
      expect(wire.toHost.some((l) => / OK .* B /.test(l))).toBe(true);
      expect(store.db.prepare(`SELECT DISTINCT encoding FROM wire_log`).all()).toEqual([{ encoding: 'frames' }]);
      store.close();
    });
  }
});
