// @vitest-environment happy-dom
// The run form's stimulus and calibration: files picked are imported as base64 (checked against
// the run's profile), their shape shown, an engine error naming the file and line shown by the
// file; the run names the imported paths instead of a workload; a calibration record picked goes
// with the run; "run again" takes over imported files, the calibration and a default profile.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRowDoc } from '../../shared/api/runs';
import { DEFAULT_PROFILE } from '../../shared/model/profile';
import RunForm from '../../renderer/src/components/RunForm.vue';
import { defaultRunForm, formFromRun, runOptions } from '../../renderer/src/forms/run-form';
import { setConnectionDeps, useConnectionStore } from '../../renderer/src/stores/connection';
import { useLiveRunStore } from '../../renderer/src/stores/live-run';
import { bytesToBase64 } from '../../renderer/src/stores/stimulus';
import { engineError, FakeEngine } from './support/fake-engine';

let pinia: Pinia;
beforeEach(() => {
  localStorage.clear();
  pinia = createPinia();
  setActivePinia(pinia);
});
afterEach(() => setConnectionDeps(null));

const fieldError = (w: ReturnType<typeof mount>, field: string) => w.find(`[data-testid="field-error"][data-field="${field}"]`);

/** Pick `text` as the file `name` in a file input. */
async function pick(w: ReturnType<typeof mount>, testid: string, name: string, text: string): Promise<void> {
  const input = w.find(`[data-testid="${testid}"]`);
  Object.defineProperty(input.element, 'files', { configurable: true, value: [new File([text], name, { type: 'text/csv' })] });
  await input.trigger('change');
  await flushPromises();
}

const CALIBRATIONS = [
  { id: 7, guid: 'c7', dieId: 'SIM-0002', sourceRunId: 12, gain: [1], offsetLsb: [0], createdAt: '2026-11-20T10:15:00.000Z', notes: null },
  { id: 3, guid: 'c3', dieId: 'SIM-0001', sourceRunId: 4, gain: [1], offsetLsb: [0], createdAt: '2026-11-01T08:00:00.000Z', notes: 'before the anneal' },
];

describe('base64 of a file’s bytes', () => {
  it('matches the platform’s, across chunks', () => {
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 256);
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    expect(bytesToBase64(bytes)).toBe(btoa(binary));
    expect(bytesToBase64(new TextEncoder().encode('1,2\n'))).toBe('MSwyCg==');
    expect(bytesToBase64(new Uint8Array())).toBe('');
  });
});

describe('imported stimulus', () => {
  it('imports the picked files, shows their shape or the error by the file, and runs on them', async () => {
    const engine = new FakeEngine((method, params) => {
      if (method === 'stimulus.import') {
        const text = atob(String(params.base64));
        if (text.includes('x')) throw engineError(-32602, `vectorsFile: ${String(params.fileName)}:3: 'x' is not an integer`, 'vectorsFile');
        const rows = text.trim().split('\n');
        return { kind: params.kind, path: `/srv/imports/${String(params.kind)}.csv`, rows: rows.length, cols: rows[0]!.split(',').length, sha256: 'ab' };
      }
      if (method === 'calibrations.list') return CALIBRATIONS;
      if (method === 'run.start') return { runId: 9, guid: 'g' };
      if (method === 'run.subscribe') return { runId: 9, fromSeq: 0, source: 'stream' };
      return [];
    });
    engine.install();
    await useConnectionStore().connect();
    useLiveRunStore().form.profile = '/srv/profiles/die17.json';
    const w = mount(RunForm, { global: { plugins: [pinia] } });
    expect(w.find('[data-testid="run-workload"]').exists()).toBe(true);
    await w.find('[data-testid="stimulus-imported"]').setValue(true);
    expect(w.find('[data-testid="run-workload"]').exists()).toBe(false);

    await pick(w, 'import-vectors-file', 'bad.csv', '1,2\n3,4\n5,x\n');
    expect(fieldError(w, 'vectorsFile').text()).toBe("vectorsFile: bad.csv:3: 'x' is not an integer");
    expect(useLiveRunStore().form.vectorsFile).toBeNull();

    await pick(w, 'import-vectors-file', 'x.csv', '1,2,3\n4,5,6\n');
    const sent = engine.requests.filter((r) => r.method === 'stimulus.import').at(-1)?.params;
    expect(sent).toEqual({ kind: 'vectors', fileName: 'x.csv', base64: btoa('1,2,3\n4,5,6\n'), profile: '/srv/profiles/die17.json' });
    expect(fieldError(w, 'vectorsFile').exists()).toBe(false);
    const shape = w.find('[data-testid="import-vectors-shape"]');
    expect(shape.text()).toBe('x.csv: 2 vectors × 3 inputs');
    expect(shape.attributes('data-rows')).toBe('2');
    await pick(w, 'import-weights-file', 'w.csv', '1,2\n3,4\n5,6\n');
    expect(w.find('[data-testid="import-weights-shape"]').text()).toBe('w.csv: 3 rows × 2 columns');

    await w.find('[data-testid="calibration-picker"]').setValue('7');
    expect(w.findAll('[data-testid="calibration-picker"] option').map((o) => o.text())).toEqual([
      'none (the raw codes)',
      '#7 · die SIM-0002 · 2026-11-20 10:15 · from run 12',
      '#3 · die SIM-0001 · 2026-11-01 08:00 · from run 4',
    ]);
    await w.find('form').trigger('submit');
    await flushPromises();
    const start = engine.requests.find((r) => r.method === 'run.start')?.params;
    expect(start).toMatchObject({
      vectorsFile: '/srv/imports/vectors.csv',
      weightsFile: '/srv/imports/weights.csv',
      calibration: 7,
      profile: '/srv/profiles/die17.json',
    });
    expect(start && 'workload' in start).toBe(false);
  });

  it('leaves a missing file out, so that the engine’s refusal lands by it', async () => {
    const engine = new FakeEngine((method) => {
      if (method === 'run.start') throw engineError(-32602, 'weightsFile: give a workload, or both a vectors file and a weights file', 'weightsFile');
      return [];
    });
    engine.install();
    await useConnectionStore().connect();
    const store = useLiveRunStore();
    store.form.stimulus = 'imported';
    store.form.vectorsFile = '/srv/imports/v.csv';
    const w = mount(RunForm, { global: { plugins: [pinia] } });
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(engine.requests.find((r) => r.method === 'run.start')?.params).toMatchObject({ vectorsFile: '/srv/imports/v.csv' });
    expect(fieldError(w, 'weightsFile').text()).toBe('give a workload, or both a vectors file and a weights file');
    expect(w.find('[data-testid="import-vectors-path"]').text()).toBe('/srv/imports/v.csv');
  });
});

describe('run again with these parameters', () => {
  const row = (over: Partial<RunRowDoc>): RunRowDoc => ({
    id: 5,
    guid: 'g5',
    kind: 'run',
    label: 'imported',
    parentId: null,
    state: 'completed',
    stateReason: null,
    mode: 'osa',
    config: { mode: 'osa', repeat: 1, batchVectors: null, profile: JSON.parse(JSON.stringify(DEFAULT_PROFILE)) },
    provenance: { stimulus: { generator: 'file:/srv/imports/v.csv', seed: null }, calibration: { id: 7, guid: 'c7' } },
    vectorSet: null,
    weightSet: null,
    vectorsTotal: 2,
    vectorsDone: 2,
    repeat: 1,
    summary: null,
    sessionId: 1,
    startedAt: '2026-11-20T10:00:00.000Z',
    endedAt: null,
    tags: [],
    ...over,
  });

  it('takes over the imported vectors, the calibration and the default profile', () => {
    const p = formFromRun(row({}), { ...defaultRunForm(), profile: '/srv/profiles/other.json' });
    expect(p?.values).toMatchObject({ stimulus: 'imported', vectorsFile: '/srv/imports/v.csv', calibration: 7, profile: null });
    expect(p?.note).toMatch(/weights file is not named/);
    const named = formFromRun(row({ config: { mode: 'osa', weightsFile: '/srv/imports/w.csv', profilePath: '/srv/profiles/die17.json', profile: { rows: 64 } } }));
    expect(named?.values).toMatchObject({ weightsFile: '/srv/imports/w.csv', profile: '/srv/profiles/die17.json' });
    expect(named?.note).toBeNull();
    const own = formFromRun(
      row({ config: { mode: 'osa', profile: { ...DEFAULT_PROFILE, rows: 64 } }, provenance: { stimulus: { generator: 'relu', seed: 3 }, calibration: null } }),
    );
    expect(own?.values).toMatchObject({ stimulus: 'generated', kind: 'relu', seed: 3, calibration: null });
    expect(own?.note).toMatch(/die profile of its own/);
    expect(runOptions({ ...defaultRunForm(), stimulus: 'imported', vectorsFile: 'v', weightsFile: 'w', calibration: 2 }, { board: 'sim' })).toEqual({
      board: 'sim',
      mode: 'osa',
      repeat: 1,
      tags: [],
      vectorsFile: 'v',
      weightsFile: 'w',
      calibration: 2,
    });
  });
});
