// @vitest-environment happy-dom
// A logged run's actions in History, on a fake engine: Resume only for an interrupted run, on the
// board the Bench screen chose, then watched in the Run screen; Re-score's dialog sending only what
// the user set and opening the derived run, an error shown by its field; Re-decode's report; the
// export as a download link with the page's token; Replay into the Run screen.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRowDoc } from '../../shared/api/runs';
import RunActions from '../../renderer/src/components/RunActions.vue';
import { rescoreParams } from '../../renderer/src/stores/run-actions';
import { setConnectionDeps, useConnectionStore } from '../../renderer/src/stores/connection';
import { useNavStore } from '../../renderer/src/stores/nav';
import { engineError, FakeEngine } from './support/fake-engine';

let pinia: Pinia;
beforeEach(() => {
  localStorage.clear();
  history.replaceState(null, '', '/?token=good');
  pinia = createPinia();
  setActivePinia(pinia);
});
afterEach(() => setConnectionDeps(null));

function row(o: Partial<RunRowDoc> = {}): RunRowDoc {
  return {
    id: 7,
    guid: 'guid-7',
    kind: 'run',
    label: 'e2e',
    parentId: null,
    state: 'completed',
    stateReason: null,
    mode: 'osa',
    config: { mode: 'osa' },
    provenance: { dieId: 'SIM-DIE-0001' },
    vectorSet: 'sha256:v',
    weightSet: 'sha256:w',
    vectorsTotal: 2000,
    vectorsDone: 2000,
    repeat: 1,
    summary: null,
    sessionId: null,
    startedAt: '2026-01-01T10:00:00Z',
    endedAt: '2026-01-01T10:01:00Z',
    tags: [],
    ...o,
  };
}

async function setup(handler: (method: string, params: Record<string, unknown>) => unknown): Promise<FakeEngine> {
  const e = new FakeEngine((method, params) => {
    if (method === 'runs.list') return [row(), row({ id: 9, vectorSet: 'sha256:v', provenance: { dieId: 'SIM-DIE-0002' } }), row({ id: 10, vectorSet: 'sha256:x' })];
    if (method === 'run.subscribe') return { runId: params.runId, fromSeq: 0, source: 'stream' };
    if (method === 'profiles.list') return [];
    return handler(method, params);
  });
  e.install();
  await useConnectionStore().connect();
  return e;
}

describe('a logged run’s actions', () => {
  it('offers Resume for an interrupted run only, on the board chosen, and watches it', async () => {
    const e = await setup((method, params) => (method === 'runs.resume' ? { runId: params.run, guid: 'guid-7' } : null));
    useNavStore().go('history', 7);
    const done = mount(RunActions, { props: { row: row() }, global: { plugins: [pinia] } });
    expect(done.find('[data-testid="detail-resume"]').exists()).toBe(false);
    const w = mount(RunActions, { props: { row: row({ state: 'interrupted' }) }, global: { plugins: [pinia] } });
    await w.find('[data-testid="detail-resume"]').trigger('click');
    await flushPromises();
    expect(e.requests.find((r) => r.method === 'runs.resume')?.params).toEqual({ run: 7, board: 'sim' });
    expect(e.requests.find((r) => r.method === 'run.subscribe')?.params.runId).toBe(7);
    expect(useNavStore().screen).toBe('run');
  });

  it('shows a resume refused over the board by the board', async () => {
    await setup((method) => {
      if (method === 'runs.resume') throw engineError(-32000, 'board: run 7 was measured on board SIM-1 with die SIM-DIE-0001; sim is board SIM-2', 'board');
      return null;
    });
    useNavStore().go('history', 7);
    const w = mount(RunActions, { props: { row: row({ state: 'interrupted' }) }, global: { plugins: [pinia] } });
    await w.find('[data-testid="detail-resume"]').trigger('click');
    await flushPromises();
    expect(w.find('[data-testid="field-error"][data-field="board"]').text()).toMatch(/^run 7 was measured on board SIM-1/);
    expect(useNavStore().screen).toBe('history');
  });

  it('re-scores with only what was set, and opens the derived run; an error by its field', async () => {
    let refuse = true;
    const e = await setup((method) => {
      if (method !== 'runs.rescore') return null;
      if (refuse) throw engineError(-32602, 'boundary: Too big: expected number to be <=31', 'boundary');
      return { runId: 12, guid: 'guid-12' };
    });
    const w = mount(RunActions, { props: { row: row() }, global: { plugins: [pinia] } });
    await w.find('[data-testid="detail-rescore"]').trigger('click');
    await w.find('[data-testid="rescore-mode"]').setValue('hcim');
    await w.find('[data-testid="rescore-boundary"]').setValue('40');
    await w.find('[data-testid="rescore-dialog"]').trigger('submit');
    await flushPromises();
    expect(e.requests.find((r) => r.method === 'runs.rescore')?.params).toEqual({ run: 7, mode: 'hcim', boundary: 40 });
    expect(w.find('[data-testid="field-error"][data-field="boundary"]').text()).toBe('Too big: expected number to be <=31');
    refuse = false;
    await w.find('[data-testid="rescore-boundary"]').setValue('10');
    await w.find('[data-testid="rescore-dialog"]').trigger('submit');
    await flushPromises();
    expect(useNavStore().screen).toBe('history');
    expect(useNavStore().runId).toBe(12);
    expect(w.find('[data-testid="rescore-dialog"]').exists()).toBe(false);
  });

  it('makes the re-score’s params from the dialog', () => {
    expect(rescoreParams(7, { mode: '', boundary: ' ', skip: '', profile: '', label: '' })).toEqual({ run: 7 });
    expect(rescoreParams(7, { mode: 'hcim', boundary: '9', skip: '2', profile: 'profiles/wide.json', label: 'what if' })).toEqual({
      run: 7,
      mode: 'hcim',
      boundary: 9,
      skip: 2,
      profile: 'profiles/wide.json',
      label: 'what if',
    });
  });

  it('shows the re-decode report', async () => {
    await setup((method) =>
      method === 'runs.redecode'
        ? {
            runId: 7,
            blocks: 5,
            equal: 4,
            differing: 1,
            missing: 0,
            undecodable: 0,
            problems: [{ block: 2, firstVector: 800, vectors: 400, status: 'differing', detail: 'codes: vector 801 output 3 plane 5' }],
          }
        : null,
    );
    const w = mount(RunActions, { props: { row: row() }, global: { plugins: [pinia] } });
    await w.find('[data-testid="detail-redecode"]').trigger('click');
    await flushPromises();
    expect(w.find('[data-testid="redecode-report"]').text()).toContain('5 blocks: 4 equal, 1 differing');
    expect(w.findAll('[data-testid="redecode-problem"]')).toHaveLength(1);
  });

  it('exports as a download link with the page’s token, in each format', async () => {
    await setup(() => null);
    const w = mount(RunActions, { props: { row: row() }, global: { plugins: [pinia] } });
    const link = () => w.find('[data-testid="export-download"]');
    expect(link().attributes('href')).toBe('http://127.0.0.1:4000/download/runs/7.csv?token=good');
    expect(link().attributes('download')).toBe('run-7.csv');
    await w.find('[data-testid="export-format"]').setValue('parquet');
    expect(link().attributes('href')).toBe('http://127.0.0.1:4000/download/runs/7.parquet?token=good');
    await w.find('[data-testid="export-format"]').setValue('json');
    expect(link().attributes('href')).toBe('http://127.0.0.1:4000/download/runs/7.jsonl?token=good');
  });

  it('exports through the desktop app’s save dialog: the engine writes the file where it said', async () => {
    const e = await setup((method, params) => (method === 'export.write' ? { path: params.out, bytes: 123_456 } : null));
    const asked: unknown[] = [];
    const host = window as unknown as { osaBenchDesktop?: unknown };
    host.osaBenchDesktop = {
      saveFile: (req: unknown) => {
        asked.push(req);
        return Promise.resolve({ path: '/home/lab/run-7.parquet' });
      },
    };
    try {
      const w = mount(RunActions, { props: { row: row() }, global: { plugins: [pinia] } });
      expect(w.find('[data-testid="export-download"]').exists()).toBe(false);
      await w.find('[data-testid="export-format"]').setValue('parquet');
      await w.find('[data-testid="export-save"]').trigger('click');
      await flushPromises();
      expect(asked).toEqual([{ title: 'Export', defaultName: 'run-7.parquet', filters: [{ name: 'parquet', extensions: ['parquet'] }], text: '' }]);
      expect(e.requests.find((r) => r.method === 'export.write')?.params).toEqual({ run: 7, format: 'parquet', out: '/home/lab/run-7.parquet' });
      expect(w.find('[data-testid="export-saved"]').text()).toBe('saved: /home/lab/run-7.parquet (123,456 bytes)');
    } finally {
      delete host.osaBenchDesktop;
    }
  });

  it('lists runs over the same stimulus first to compare with, and opens the comparison', async () => {
    await setup(() => null);
    const { useHistoryStore } = await import('../../renderer/src/stores/history');
    await useHistoryStore().refresh();
    const w = mount(RunActions, { props: { row: row() }, global: { plugins: [pinia] } });
    const options = w.findAll('[data-testid="compare-with-select"] option').map((o) => o.text());
    expect(options[1]).toMatch(/^#9 e2e · die SIM-DIE-0002 · same stimulus/);
    expect(options[2]).toMatch(/^#10 /);
    await w.find('[data-testid="compare-with-select"]').setValue('9');
    await w.find('[data-testid="detail-compare-with"]').trigger('click');
    expect(location.hash).toBe('#/compare/7/9');
    await w.find('[data-testid="detail-compare-model"]').trigger('click');
    expect(location.hash).toBe('#/compare/7');
  });

  it('replays the run into the Run screen', async () => {
    const e = await setup((method, params) => (method === 'replay.start' ? { replayId: 1, runId: params.run, guid: 'g' } : null));
    useNavStore().go('history', 7);
    const w = mount(RunActions, { props: { row: row() }, global: { plugins: [pinia] } });
    await w.find('[data-testid="detail-replay"]').trigger('click');
    await flushPromises();
    expect(e.requests.find((r) => r.method === 'replay.start')?.params).toEqual({ run: 7, speed: null, forDisplay: true });
    expect(useNavStore().screen).toBe('run');
  });
});
