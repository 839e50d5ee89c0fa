// @vitest-environment happy-dom
// Runs started elsewhere, against an engine behind a fake socket: the live list read when the page
// opens (taken up without a notice) and then every 2 s; a new run taken up by the Run screen, a new
// procedure by the Procedures screen, with a notice; one offered, not taken, while its screen
// watches another live run; the page's own runs and a procedure's child runs left alone.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRowDoc } from '../../shared/api/runs';
import ConnectionBanner from '../../renderer/src/components/ConnectionBanner.vue';
import { setConnectionDeps, useConnectionStore } from '../../renderer/src/stores/connection';
import { useLivePickupStore } from '../../renderer/src/stores/live-pickup';
import { useLiveRunStore } from '../../renderer/src/stores/live-run';
import { useNavStore } from '../../renderer/src/stores/nav';
import { useProceduresStore } from '../../renderer/src/stores/procedures';
import { useReplayStore } from '../../renderer/src/stores/replay';
import { FakeEngine, until } from './support/fake-engine';
import { startDoc, statusDoc } from './support/streams';

function row(id: number, o: Partial<RunRowDoc> = {}): RunRowDoc {
  return {
    id,
    guid: `guid-${id}`,
    kind: 'run',
    label: null,
    parentId: null,
    state: 'running',
    stateReason: null,
    mode: 'osa',
    config: {},
    provenance: {},
    vectorSet: null,
    weightSet: null,
    vectorsTotal: 2000,
    vectorsDone: 0,
    repeat: 1,
    summary: null,
    sessionId: null,
    startedAt: '2026-01-01T10:00:00Z',
    endedAt: null,
    tags: [],
    ...o,
  };
}

let engine: FakeEngine;
let live: number[];
let rows: Map<number, RunRowDoc>;
beforeEach(async () => {
  localStorage.clear();
  history.replaceState(null, '', '#/history');
  setActivePinia(createPinia());
  live = [];
  rows = new Map();
  engine = new FakeEngine((method, params) => {
    if (method === 'bench.info')
      return { name: 'osa-bench', version: '0', api: 1, db: ':memory:', methods: [], live: live.map((runId) => ({ runId, guid: `guid-${runId}`, paused: false })) };
    if (method === 'runs.get') return { ...rows.get(params.run as number), notes: [], events: [] };
    if (method === 'run.subscribe') return { runId: params.runId, fromSeq: 0, source: 'stream' };
    if (method === 'run.start') return { runId: 30, guid: 'guid-30' };
    if (method === 'replay.start') return { replayId: 41, runId: params.run, guid: `guid-${String(params.run)}` };
    return null;
  });
  engine.install();
  await useConnectionStore().connect();
});
afterEach(() => {
  useLivePickupStore().stop();
  setConnectionDeps(null);
});

/** A run goes live in the engine, started by someone else. */
function started(r: RunRowDoc): void {
  rows.set(r.id, r);
  live.push(r.id);
}

/** The run's first documents, so that its watch shows it live. */
function streaming(runId: number, kind = 'run'): void {
  engine.push(startDoc(runId, 0, { kind }));
  engine.push(statusDoc(runId, 1));
}

const calls = (method: string) => engine.requests.filter((r) => r.method === method);

describe('runs started elsewhere', () => {
  it('are taken up when the page opens, without a notice', async () => {
    started(row(4));
    started(row(5, { kind: 'snr-sweep' }));
    const pickup = useLivePickupStore();
    await pickup.start(60_000);
    expect(useLiveRunStore().view?.runId).toBe(4);
    expect(useProceduresStore().view?.runId).toBe(5);
    expect(pickup.notice).toBeNull();
  });

  it('are read every 2 s; a new run is taken up by the Run screen, with a notice that shows it', async () => {
    const pickup = useLivePickupStore();
    await pickup.start(20);
    const banner = mount(ConnectionBanner);
    await until(() => calls('bench.info').length >= 3, 'a few readings');
    started(row(12, { label: 'from the CLI' }));
    await until(() => useLiveRunStore().view?.runId === 12, 'run 12 taken up');
    await flushPromises();
    const notice = banner.find('[data-testid="live-pickup-notice"]');
    expect(notice.attributes('data-run-id')).toBe('12');
    expect(notice.attributes('data-attached')).toBe('true');
    expect(notice.text()).toContain('Run #12 (from the CLI) was started elsewhere');
    expect(calls('run.subscribe').map((r) => r.params.runId)).toEqual([12]);
    await banner.find('[data-testid="live-pickup-show"]').trigger('click');
    expect(useNavStore().screen).toBe('run');
    expect(banner.find('[data-testid="live-pickup-notice"]').exists()).toBe(false);
    // taken up once: later readings leave it be
    const subscribed = calls('run.subscribe').length;
    await until(() => calls('bench.info').length >= 8, 'more readings');
    expect(calls('run.subscribe')).toHaveLength(subscribed);
    banner.unmount();
  });

  it('offers a new run while the Run screen watches another live one, and switches on asking', async () => {
    started(row(4));
    const pickup = useLivePickupStore();
    await pickup.start(60_000);
    const liveRun = useLiveRunStore();
    streaming(4);
    await until(() => liveRun.live, 'run 4 live');
    started(row(9));
    await pickup.poll();
    expect(liveRun.view?.runId).toBe(4);
    expect(pickup.notice).toMatchObject({ runId: 9, attached: false, screen: 'run' });
    const banner = mount(ConnectionBanner);
    await banner.find('[data-testid="live-pickup-watch"]').trigger('click');
    await flushPromises();
    expect(liveRun.view?.runId).toBe(9);
    expect(useNavStore().screen).toBe('run');
    banner.unmount();
  });

  it('offers a new run while the Run screen shows a replay, which goes on', async () => {
    const pickup = useLivePickupStore();
    await pickup.start(60_000);
    const replay = useReplayStore();
    expect(await replay.start(7)).toBe(true);
    for (const s of engine.sockets) s.deliver({ jsonrpc: '2.0', method: 'replay.document', params: { replayId: 41, document: startDoc(7, 0) } });
    await until(() => replay.view?.runId === 7, 'the replay shown');
    started(row(9, { label: 'from a script' }));
    await pickup.poll();
    expect(useLiveRunStore().view).toBeNull();
    expect(replay.view?.runId).toBe(7);
    expect(replay.active).toBe(true);
    expect(pickup.notice).toMatchObject({ runId: 9, attached: false, overReplay: true, screen: 'run' });
    const banner = mount(ConnectionBanner);
    expect(banner.find('[data-testid="live-pickup-notice"]').text()).toContain('the Run screen goes on showing the replay');
    banner.unmount();
  });

  it('takes a new procedure up on the Procedures screen, and leaves its child runs and the page’s own runs alone', async () => {
    const pickup = useLivePickupStore();
    await pickup.start(60_000);
    started(row(20, { kind: 'snr-sweep', label: 'snr-sweep' }));
    started(row(21, { parentId: 20 }));
    await pickup.poll();
    expect(useProceduresStore().view?.runId).toBe(20);
    expect(useLiveRunStore().view).toBeNull();
    expect(pickup.notice).toMatchObject({ runId: 20, screen: 'procedures', attached: true });
    pickup.dismiss();
    // the page starts run 30 itself: no notice for it
    rows.set(30, row(30));
    const liveRun = useLiveRunStore();
    await liveRun.start();
    live.push(30);
    await pickup.poll();
    expect(pickup.notice).toBeNull();
    expect(calls('run.subscribe').filter((r) => r.params.runId === 30)).toHaveLength(1);
  });

  it('reads nothing while the engine is not connected', async () => {
    const pickup = useLivePickupStore();
    useConnectionStore().disconnect();
    started(row(3));
    await pickup.poll();
    expect(calls('bench.info')).toHaveLength(0);
    expect(useLiveRunStore().view).toBeNull();
  });
});
