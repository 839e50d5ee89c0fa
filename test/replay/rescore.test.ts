// Re-scoring: a logged run's measurements against the model under another profile, stored as a
// derived run linked to its parent, with the same measured values and summaries that equal a
// fresh comparison with the model (and differ from the parent's as the change says they must).
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../drivers/clock';
import { compareRun } from '../../engine/compare/compare-run';
import { startRescore } from '../../engine/replay/rescore';
import { readRunDocuments } from '../../engine/store/run-documents';
import { resultBlockOf, type RunStore } from '../../engine/store/run-store';
import { readStoredRun } from '../../engine/store/stored-run';
import { blockSample } from '../../shared/analysis/block-sample';
import { compareWithModel } from '../../shared/analysis/compare';
import type { RunDocument } from '../../shared/api/documents';
import { createDieModel } from '../../shared/model/evaluator';
import { intMatrix } from '../../shared/model/matrix';
import { DEFAULT_PROFILE, type DieProfile } from '../../shared/model/profile';
import { simRun, tempStore } from '../compare/fixtures';

const stores: RunStore[] = [];
afterEach(() => stores.splice(0).forEach((s) => s.close()));

async function source(): Promise<{ store: RunStore; runId: number }> {
  const store = tempStore();
  stores.push(store);
  const s = await simRun(store, { vectors: 1500, batch: 500, seed: 6 });
  return { store, runId: s.runId };
}

const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** The derived run's block summaries against a fresh comparison of the parent's measurements with a model of `profile`. */
function expectFreshSummaries(store: RunStore, parent: number, derived: number, profile: DieProfile, reading: { gain: Float64Array; offsetLsb: Float64Array } | null) {
  const { vectors, weights, config } = readStoredRun(store, parent);
  const model = createDieModel(profile, weights);
  const kept = store.blockSummaries(derived);
  const sampled = store.blockSummaries(derived, { samples: true });
  const parentBlocks = [...store.blocks(parent)];
  const derivedBlocks = [...store.blocks(derived)];
  expect(kept).toHaveLength(parentBlocks.length);
  parentBlocks.forEach((b, k) => {
    const d = derivedBlocks[k]!;
    for (const f of ['digital', 'saliency', 'level', 'codes'] as const) expect(bytes(d[f]).equals(bytes(b[f]))).toBe(true);
    expect(d.power).toEqual(b.power);
    const expected = model.evaluate(intMatrix(b.vectors, profile.rows, vectors.read(b.firstVector, b.vectors)), config, { codes: true });
    const measured = resultBlockOf(b);
    const fresh = compareWithModel(profile, model.geometry, expected, measured, reading);
    expect(kept[k]!.summary).toEqual(Object.fromEntries(Object.entries(fresh).filter(([key]) => key !== 'yhat')));
    // the live plots' sample of the re-scored block, against the fresh model
    expect(sampled[k]!.summary.sample).toEqual(blockSample(profile, model.geometry, expected, measured, fresh.yhat, reading));
  });
}

describe('re-scoring', () => {
  it('with other thresholds: a derived run linked to its parent, the same measurements, the summaries of a fresh model', async () => {
    const { store, runId } = await source();
    const thresholds = DEFAULT_PROFILE.thresholds.map((t) => t + 6144);
    const h = await startRescore(store, runId, { profileFields: { thresholds }, label: 'thr +6144' }, systemClock, 0);
    const docs: RunDocument[] = [];
    h.documents.subscribe((d) => docs.push(d));
    const summary = await h.done;
    expect(summary).toMatchObject({ state: 'completed', vectors: 1500 });
    const row = store.getRun(h.runId)!;
    const parent = store.getRun(runId)!;
    expect(row).toMatchObject({
      kind: 'rescore',
      parentId: runId,
      state: 'completed',
      label: 'thr +6144',
      vectorSet: parent.vectorSet,
      weightSet: parent.weightSet,
      vectorsDone: 1500,
      mode: 'osa',
    });
    expect(row.config).toMatchObject({ mode: 'osa', profile: { thresholds }, measuredAdcBits: 6 });
    expect(row.provenance).toMatchObject({
      rescore: { sourceRunId: runId, sourceGuid: parent.guid, adcConversion: null },
      profile: { thresholds },
      vectorSet: parent.vectorSet,
    });
    const profile = { ...DEFAULT_PROFILE, thresholds };
    expectFreshSummaries(store, runId, h.runId, profile, null);

    // as the change says: the same silicon (signal, measured error, mismatches against its own levels aside), other levels in the model
    const sum = (id: number, k: 'signalSq' | 'errorSq' | 'modelErrorSq' | 'levelAgreements' | 'digitalMismatches') =>
      store.blockSummaries(id).reduce((t, b) => t + b.summary[k], 0);
    expect(sum(h.runId, 'signalSq')).toBe(sum(runId, 'signalSq'));
    expect(sum(h.runId, 'errorSq')).toBeCloseTo(sum(runId, 'errorSq'), 6);
    expect(sum(h.runId, 'levelAgreements')).toBeLessThan(sum(runId, 'levelAgreements') * 0.9);
    expect(sum(h.runId, 'digitalMismatches')).toBeGreaterThan(sum(runId, 'digitalMismatches'));
    expect(sum(h.runId, 'modelErrorSq')).not.toBe(sum(runId, 'modelErrorSq'));

    // streamed as a run is, and read back the same
    expect(docs.filter((d) => d.type !== 'status').map((d) => d.type)).toEqual(['start', 'descriptor', 'batch', 'batch', 'batch', 'stop']);
    expect(docs[0]).toMatchObject({ type: 'start', kind: 'rescore', parentId: runId });
    const plain = (d: RunDocument) => {
      const copy: Record<string, unknown> = { ...d, seq: 0 };
      delete copy.data;
      return copy;
    };
    expect(docs.filter((d) => d.type !== 'status').map(plain)).toEqual([...readRunDocuments(store, h.runId, { withData: false })].map(plain));
  });

  it('with an 8-bit ADC: the 6-bit codes read as the same fraction of full scale, the model an ideal 8-bit ADC', async () => {
    const { store, runId } = await source();
    const h = await startRescore(store, runId, { profileFields: { adcBits: 8 } }, systemClock, 0);
    await h.done;
    const row = store.getRun(h.runId)!;
    expect(row.config).toMatchObject({ measuredAdcBits: 6, profile: { adcBits: 8 } });
    expect(row.provenance).toMatchObject({ rescore: { adcConversion: { fromBits: 6, toBits: 8 } } });
    const cal = store.calibrationRecord((row.provenance as { calibration: { id: number } }).calibration.id)!;
    expect(cal.sourceRunId).toBe(runId);
    expect(cal.gain.every((g) => Math.abs(g - 63 / 255) < 1e-12)).toBe(true);
    expect(cal.offsetLsb.every((o) => o === 0)).toBe(true);
    expectFreshSummaries(store, runId, h.runId, { ...DEFAULT_PROFILE, adcBits: 8 }, { gain: Float64Array.from(cal.gain), offsetLsb: Float64Array.from(cal.offsetLsb) });
    const sum = (id: number, k: 'errorSq' | 'modelErrorSq') => store.blockSummaries(id).reduce((t, b) => t + b.summary[k], 0);
    // the silicon's yhat is what it was; the ideal 8-bit model is nearer exact than the 6-bit one
    expect(sum(h.runId, 'errorSq') / sum(runId, 'errorSq')).toBeCloseTo(1, 9);
    expect(sum(h.runId, 'modelErrorSq')).toBeLessThan(sum(runId, 'modelErrorSq') * 0.5);
    // the comparisons read the derived run with the codes' own width
    const c = await compareRun(store, h.runId);
    expect(c.geometry).toMatchObject({ adcBits: 8, measuredAdcBits: 6 });
    expect(c.findings).toEqual([]);
    expect(c.run).toMatchObject({ kind: 'rescore', parentId: runId });
  });

  it('refuses another geometry, a configuration the profile cannot take, and a run that is not there, before logging anything', async () => {
    const { store, runId } = await source();
    const before = store.listRuns().length;
    await expect(startRescore(store, runId, { profileFields: { rows: 128 } }, systemClock)).rejects.toMatchObject({
      field: 'profile',
      message: expect.stringMatching(/rows is 128/) as unknown,
    });
    await expect(startRescore(store, runId, { mode: 'hcim' }, systemClock)).rejects.toMatchObject({ field: 'boundary' });
    await expect(startRescore(store, runId, { profileFields: { thresholds: [3, 2, 1] } }, systemClock)).rejects.toThrow(/thresholds/);
    await expect(startRescore(store, 4242, {}, systemClock)).rejects.toThrow(/no run '4242'/);
    expect(store.listRuns()).toHaveLength(before);
  });

  it('in hcim: another boundary on the same codes', async () => {
    const store = tempStore();
    stores.push(store);
    const s = await simRun(store, { vectors: 600, batch: 300, seed: 2, config: { mode: 'hcim', boundary: 9, skip: 0 } });
    const h = await startRescore(store, s.runId, { boundary: 10 }, systemClock, 0);
    expect((await h.done).state).toBe('completed');
    expect(store.getRun(h.runId)!.config).toMatchObject({ mode: 'hcim', boundary: 10, skip: 0 });
    const parent = store.blockSummaries(s.runId);
    const derived = store.blockSummaries(h.runId);
    // a b=10 die converts the planes of significance 9 too: the codes both have are the die's, and its digital sums hold planes the model's do not
    expect(derived.map((b) => b.summary.codeResidualCount)).toEqual(parent.map((b) => b.summary.codeResidualCount));
    expect(parent.every((b) => b.summary.digitalMismatches === 0)).toBe(true);
    expect(derived.every((b) => b.summary.digitalMismatches > 0)).toBe(true);
    expect(derived.every((b, k) => b.summary.modelErrorSq > parent[k]!.summary.modelErrorSq)).toBe(true);
  });
});
