// Calibration records through the store: written with the store's clock and error mapping, read
// back as the typed records of shared/api/runs.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../engine/store/open-store';
import { RunStore } from '../../engine/store/run-store';
import { StoreError } from '../../engine/store/store-error';
import { openRunStore } from '../../engine/store/store';
import { calibrationRecordSchema } from '../../shared/api/runs';

const dbPath = () => join(mkdtempSync(join(tmpdir(), 'osa-cal-')), 'c.db');

function storeAt(path: string, times: string[]): RunStore {
  let k = 0;
  return new RunStore(openDatabase(path), path, () => times[Math.min(k++, times.length - 1)] as string);
}

describe('calibration records in the store', () => {
  it('round trip: what putCalibration writes, calibrationRecord reads back exactly, stamped by the store clock', () => {
    const store = storeAt(dbPath(), ['2030-01-02T03:04:05.000Z', '2030-01-02T03:04:06.000Z']);
    const source = store.createRun({ kind: 'adc-transfer', mode: 'sweep', config: {}, provenance: {}, vectorSet: null, weightSet: null, vectorsTotal: 0, repeat: 1 });
    const gain = Float64Array.from({ length: 64 }, (_, c) => 1 + (c - 32) * 1e-4 + Math.PI * 1e-12); // bits beyond any decimal print
    const offsetLsb = Float64Array.from({ length: 64 }, (_, c) => (c % 5) * -0.0173);
    const { id, guid } = store.putCalibration({ dieId: 'SIM-DIE-0001', sourceRunId: source.id, gain, offsetLsb, notes: 'adc-transfer, 8 repeats' });
    expect(guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const record = store.calibrationRecord(id);
    expect(record).toEqual({
      id,
      guid,
      dieId: 'SIM-DIE-0001',
      sourceRunId: source.id,
      gain: Array.from(gain),
      offsetLsb: Array.from(offsetLsb),
      createdAt: '2030-01-02T03:04:06.000Z',
      notes: 'adc-transfer, 8 repeats',
    });
    expect(calibrationRecordSchema.parse(record)).toEqual(record);
    // the run engine's reader sees the same numbers
    const raw = store.calibration(id)!;
    expect([raw.dieId, Array.from(raw.gain), Array.from(raw.offsetLsb)]).toEqual(['SIM-DIE-0001', Array.from(gain), Array.from(offsetLsb)]);
    expect(store.calibrationRecord(id + 1)).toBeNull();
    store.close();
  });

  it('lists records newest first, all of them or those of one die; a record need not name a source run', () => {
    const store = storeAt(dbPath(), ['2030-01-01T00:00:00.000Z']);
    const one = new Float64Array([1, 1]);
    const a = store.putCalibration({ dieId: 'A', sourceRunId: null, gain: one, offsetLsb: one, notes: null });
    const b = store.putCalibration({ dieId: 'B', sourceRunId: null, gain: one, offsetLsb: one, notes: null });
    const a2 = store.putCalibration({ dieId: 'A', sourceRunId: null, gain: one, offsetLsb: one, notes: 'again' });
    expect(store.calibrations().map((c) => c.id)).toEqual([a2.id, b.id, a.id]);
    expect(store.calibrations('A').map((c) => [c.id, c.notes])).toEqual([
      [a2.id, 'again'],
      [a.id, null],
    ]);
    expect(store.calibrations('C')).toEqual([]);
    expect(store.calibrationRecord(b.id)).toMatchObject({ dieId: 'B', sourceRunId: null, notes: null });
    expect(new Set([a.guid, b.guid, a2.guid]).size).toBe(3);
    store.close();
  });

  it('refuses a record whose gains and offsets differ in count, writing nothing', () => {
    const store = storeAt(dbPath(), ['2030-01-01T00:00:00.000Z']);
    expect(() => store.putCalibration({ dieId: 'A', sourceRunId: null, gain: new Float64Array(64), offsetLsb: new Float64Array(32), notes: null })).toThrow(
      /64 gains, 32 offsets/,
    );
    expect(store.calibrations()).toEqual([]);
    store.close();
  });

  it('a write the database refuses comes out as a StoreError naming the file', () => {
    const path = dbPath();
    openRunStore(path).store.close();
    const { store } = openRunStore(path, { readonly: true });
    const one = new Float64Array([1]);
    let error: unknown;
    try {
      store.putCalibration({ dieId: 'A', sourceRunId: null, gain: one, offsetLsb: one, notes: null });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message.startsWith(`${path}: the database is read-only`)).toBe(true);
    store.close();
    // and a source run that does not exist is refused by the foreign key, as a StoreError too
    const writable = openRunStore(path).store;
    expect(() => writable.putCalibration({ dieId: 'A', sourceRunId: 999, gain: one, offsetLsb: one, notes: null })).toThrow(StoreError);
    expect(writable.calibrations()).toEqual([]);
    writable.close();
  });
});
