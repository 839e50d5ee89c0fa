// @vitest-environment happy-dom
// The stores against an engine behind a fake socket: a run started from the form and its
// documents folded into the Run screen's view, the controls, the engine's errors by field, the
// history's filter, tags and notes, a procedure's report, and the connection's messages.
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRowDoc } from '../../shared/api/runs';
import { useBenchStore } from '../../renderer/src/stores/bench';
import { REFUSED_TITLE, setConnectionDeps, useConnectionStore } from '../../renderer/src/stores/connection';
import { emptyFilter, filterRuns, useHistoryStore } from '../../renderer/src/stores/history';
import { useLiveRunStore } from '../../renderer/src/stores/live-run';
import { useProceduresStore } from '../../renderer/src/stores/procedures';
import { engineError, FakeEngine, settle, until } from './support/fake-engine';
import { runStream, sweepStream } from './support/streams';

function row(id: number, o: Partial<RunRowDoc> = {}): RunRowDoc {
  return {
    id,
    guid: `${id}abcdef-0000`,
    kind: 'run',
    label: null,
    parentId: null,
    state: 'completed',
    stateReason: null,
    mode: 'osa',
    config: { mode: 'osa', repeat: 1, batchVectors: null },
    provenance: { stimulus: { generator: 'relu', seed: 3 } },
    vectorSet: null,
    weightSet: null,
    vectorsTotal: 2000,
    vectorsDone: 2000,
    repeat: 1,
    summary: null,
    sessionId: 1,
    startedAt: '2026-01-01T10:00:00Z',
    endedAt: null,
    tags: [],
    ...o,
  };
}

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
});
afterEach(() => setConnectionDeps(null));

async function connected(engine: FakeEngine): Promise<void> {
  engine.install();
  await useConnectionStore().connect();
  expect(useConnectionStore().state).toBe('open');
}

describe('the live run store', () => {
  it('starts a run from the form on the chosen board and folds its documents', async () => {
    const engine = new FakeEngine((method) => {
      if (method === 'run.start') return { runId: 7, guid: 'g7' };
      if (method === 'run.subscribe') return { runId: 7, fromSeq: 0, source: 'stream' };
      if (method === 'runs.list') return [];
      return null;
    });
    await connected(engine);
    useBenchStore().selection.die = 'drivers/sim/dies/noisy.json';
    const store = useLiveRunStore();
    store.form.vectors = 2000;
    store.form.label = 'corner';
    store.form.tags = 'a, b a';
    expect(await store.start()).toBe(7);
    const start = engine.requests.find((r) => r.method === 'run.start');
    expect(start?.params).toEqual({
      board: 'sim',
      die: 'drivers/sim/dies/noisy.json',
      mode: 'osa',
      workload: { kind: 'relu', vectors: 2000, seed: 1 },
      repeat: 1,
      label: 'corner',
      tags: ['a', 'b'],
    });
    expect(engine.requests.find((r) => r.method === 'run.subscribe')?.params).toEqual({ runId: 7, fromSeq: 0 });

    const docs = runStream(7, 5);
    for (const d of docs.slice(0, 6)) engine.push(d);
    await until(() => (store.view?.batches ?? 0) > 0, 'a batch on the view');
    expect(store.view?.state).toBe('running');
    expect(store.live).toBe(true);
    expect(store.view?.batches).toBeGreaterThan(0);

    const before = engine.requests.filter((r) => r.method === 'runs.list').length;
    for (const d of docs.slice(8)) engine.push(d);
    await settle();
    expect(store.view?.state).toBe('completed');
    expect(store.view?.summary?.vectors).toBe(2000);
    expect(store.live).toBe(false);
    // the history is read again once the run stopped
    expect(engine.requests.filter((r) => r.method === 'runs.list').length).toBeGreaterThan(before);
  });

  it('shows the engine’s error by the field it names, or by the field its message names', async () => {
    let answer = engineError(-32602, 'workload.vectors: Too small: expected number to be >=1', 'workload.vectors');
    const engine = new FakeEngine((method) => {
      if (method === 'run.start') throw answer;
      return null;
    });
    await connected(engine);
    const store = useLiveRunStore();
    expect(await store.start()).toBeNull();
    expect(store.errors).toEqual({ 'workload.vectors': 'Too small: expected number to be >=1' });
    answer = engineError(-32000, 'boundary: required for mode hcim');
    await store.start();
    expect(store.errors).toEqual({ boundary: 'required for mode hcim' });
    answer = engineError(-32000, '/dev/ttyUSB9: cannot open');
    await store.start();
    expect(store.errors).toEqual({ '': '/dev/ttyUSB9: cannot open' });
  });

  it('pauses, resumes and aborts (after a confirmation) the run it watches', async () => {
    const engine = new FakeEngine((method, params) => {
      if (method === 'run.subscribe') return { runId: params.runId, fromSeq: 0, source: 'stream' };
      return { runId: params.runId, paused: method === 'run.pause' };
    });
    await connected(engine);
    const store = useLiveRunStore();
    await store.attach(7);
    const docs = runStream(7, 5);
    for (const d of docs.slice(0, 3)) engine.push(d);
    await until(() => store.canPause, 'the run shown running');
    await store.pause();
    store.requestAbort();
    expect(store.confirmingAbort).toBe(true);
    expect(engine.requests.some((r) => r.method === 'run.abort')).toBe(false);
    store.cancelAbort();
    store.requestAbort();
    await store.confirmAbort();
    expect(engine.requests.filter((r) => r.method.startsWith('run.') && r.method !== 'run.subscribe').map((r) => [r.method, r.params.runId])).toEqual([
      ['run.pause', 7],
      ['run.abort', 7],
    ]);
  });

  it('fills the form from a past run for “run again”', () => {
    const store = useLiveRunStore();
    const ok = store.prefill(
      row(3, { label: 'hot', tags: ['x', 'y'], config: { mode: 'hcim', boundary: 7, skip: 2, repeat: 3, batchVectors: 500 }, vectorsTotal: 1234 }),
    );
    expect(ok).toBe(true);
    expect(store.form).toMatchObject({ mode: 'hcim', boundary: 7, skip: 2, repeat: 3, batch: 500, kind: 'relu', vectors: 1234, seed: 3, label: 'hot', tags: 'x, y' });
    expect(store.prefill(row(4, { kind: 'snr-sweep' }))).toBe(false);
  });
});

describe('the procedures store', () => {
  it('starts a procedure with its form’s params, and reads its report from the stop document', async () => {
    const engine = new FakeEngine((method, params) => {
      if (method === 'procedure.start') return { runId: 10, guid: 'g10' };
      if (method === 'run.subscribe') return { runId: params.runId, fromSeq: 0, source: 'stream' };
      if (method === 'runs.list') return [];
      return null;
    });
    await connected(engine);
    const store = useProceduresStore();
    store.select('snr-sweep');
    store.params['snr-sweep'].from = 8;
    store.params['snr-sweep'].to = 10;
    expect(await store.start()).toBe(10);
    expect(engine.requests.find((r) => r.method === 'procedure.start')?.params).toEqual({
      board: 'sim',
      procedure: 'snr-sweep',
      params: { workload: 'relu', vectors: 4000, seed: 1, from: 8, to: 10, skip: 0 },
    });
    for (const d of sweepStream(10, 8, 10)) engine.push(d);
    await settle();
    expect(store.view?.state).toBe('completed');
    expect(store.view?.report?.procedure).toBe('snr-sweep');
    expect(store.view?.children).toHaveLength(3);
  });

  it('shows a params error by its parameter', async () => {
    const engine = new FakeEngine((method) => {
      if (method === 'procedure.start') throw engineError(-32602, 'params.from: Too big: expected number to be <=31', 'params.from');
      return null;
    });
    await connected(engine);
    const store = useProceduresStore();
    store.select('snr-sweep');
    await store.start();
    expect(store.errors).toEqual({ 'params.from': 'Too big: expected number to be <=31' });
  });
});

describe('the history store', () => {
  const rows = [
    row(5, { kind: 'snr-sweep', mode: 'sweep', label: 'snr-sweep', tags: ['nightly'] }),
    row(6, { parentId: 5, label: 'b=8', mode: 'hcim' }),
    row(4, { state: 'aborted', label: 'hot corner', tags: ['corner', 'nightly'] }),
    row(3, { label: 'baseline', mode: 'dcim' }),
  ];

  it('filters by text, tag and state, child runs shown only when asked', () => {
    const f = emptyFilter();
    expect(filterRuns(rows, f).map((r) => r.id)).toEqual([5, 4, 3]);
    expect(filterRuns(rows, { ...f, children: true }).map((r) => r.id)).toEqual([5, 6, 4, 3]);
    expect(filterRuns(rows, { ...f, tag: 'nightly' }).map((r) => r.id)).toEqual([5, 4]);
    expect(filterRuns(rows, { ...f, state: 'aborted' }).map((r) => r.id)).toEqual([4]);
    expect(filterRuns(rows, { ...f, text: 'HOT' }).map((r) => r.id)).toEqual([4]);
    expect(filterRuns(rows, { ...f, text: 'dcim baseline' }).map((r) => r.id)).toEqual([3]);
    expect(filterRuns(rows, { ...f, text: '#3' }).map((r) => r.id)).toEqual([3]);
    expect(filterRuns(rows, { ...f, text: 'corner', tag: 'nightly', state: 'completed' })).toEqual([]);
  });

  it('opens a run with its children, and saves a tag and a note', async () => {
    const engine = new FakeEngine((method, params) => {
      if (method === 'runs.list') return rows;
      if (method === 'runs.get') return rows.find((r) => r.id === params.run);
      if (method === 'run.subscribe') return { runId: params.runId, fromSeq: 0, source: 'store' };
      if (method === 'runs.tag') return { ...rows[0]!, tags: [...rows[0]!.tags, ...(params.add as string[])] };
      if (method === 'runs.note') return { runId: params.run, notes: [{ at: '2026-01-01T11:00:00Z', text: params.text }] };
      return null;
    });
    await connected(engine);
    const history = useHistoryStore();
    await history.refresh();
    expect(history.tags).toEqual(['corner', 'nightly']);
    await history.open(5);
    expect(history.selected?.id).toBe(5);
    expect(history.children.map((r) => r.id)).toEqual([6]);
    expect(await history.changeTags(['checked'], [])).toBe(true);
    expect(history.selected?.tags).toEqual(['nightly', 'checked']);
    expect(history.rows.find((r) => r.id === 5)?.tags).toEqual(['nightly', 'checked']);
    expect(await history.addNote('looks fine')).toBe(true);
    expect(history.selectedNotes.map((n) => n.text)).toEqual(['looks fine']);
  });
});

describe('the connection store', () => {
  it('says the engine refused the token when the engine is there', async () => {
    const engine = new FakeEngine();
    engine.refuse = true;
    engine.install('?token=stale');
    const conn = useConnectionStore();
    await conn.connect();
    expect(conn.state).toBe('failed');
    expect(conn.problem?.kind).toBe('refused');
    expect(conn.problem?.title).toBe(REFUSED_TITLE);
    expect(() => conn.client()).toThrow(/not connected/);
  });

  it('says so when the address has no token', async () => {
    const engine = new FakeEngine();
    engine.refuse = true;
    engine.install('');
    const conn = useConnectionStore();
    await conn.connect();
    expect(conn.problem?.title).toBe(REFUSED_TITLE);
    expect(conn.problem?.detail).toMatch(/no \?token=/);
  });

  it('says the engine is not reachable when it does not answer at all', async () => {
    const engine = new FakeEngine();
    engine.refuse = true;
    engine.reachable = false;
    engine.install();
    const conn = useConnectionStore();
    await conn.connect();
    expect(conn.problem?.kind).toBe('unreachable');
    expect(conn.problem?.title).toMatch(/Cannot reach the engine at 127\.0\.0\.1:4000/);
    conn.disconnect();
  });
});
