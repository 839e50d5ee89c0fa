// @vitest-environment happy-dom
// A replay in the Run screen, on a fake engine: the run's view with the replay's bar; a seek beyond
// the run refused by its field before it is sent, one within it sent; a new speed sent to the
// replay playing (replay.speed, no stop and new start) and its refusal shown; Space pausing the replay (not a live run), Esc stopping it; Close giving the
// screen back.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WireDocument } from '../../shared/api/rpc';
import RunScreen from '../../renderer/src/screens/RunScreen.vue';
import { setConnectionDeps, useConnectionStore } from '../../renderer/src/stores/connection';
import { useReplayStore } from '../../renderer/src/stores/replay';
import { engineError, FakeEngine, until } from './support/fake-engine';
import { runStream } from './support/streams';

let pinia: Pinia;
beforeEach(() => {
  localStorage.clear();
  pinia = createPinia();
  setActivePinia(pinia);
});
afterEach(() => setConnectionDeps(null));

async function replaying(): Promise<FakeEngine> {
  const e = new FakeEngine((method, params) => {
    if (method === 'replay.start') return { replayId: 5, runId: params.run, guid: 'g' };
    if (method === 'replay.speed') return { replayId: params.replayId, paused: false, position: 800, speed: params.speed };
    if (method.startsWith('replay.')) return { replayId: params.replayId, paused: method === 'replay.pause', position: 800, speed: 1 };
    return null;
  });
  e.install();
  await useConnectionStore().connect();
  const replay = useReplayStore();
  await replay.start(7, { speed: 1 });
  const docs = runStream(7, 5)
    .filter((d) => d.type !== 'status')
    .map((d, seq) => ({ ...d, seq }));
  for (const d of docs.slice(0, 4))
    for (const s of e.sockets) s.deliver({ jsonrpc: '2.0', method: 'replay.document', params: { replayId: 5, document: d as WireDocument } });
  await until(() => replay.view?.batches === 2, 'two batches replayed');
  return e;
}

const mountScreen = () => mount(RunScreen, { global: { plugins: [pinia], stubs: { RunForm: true } }, attachTo: document.body });

describe('a replay in the Run screen', () => {
  it('shows the replayed run with its bar, and checks a seek against the run', async () => {
    const e = await replaying();
    const w = mountScreen();
    await flushPromises();
    expect(w.find('[data-testid="replay-bar"]').attributes('data-run-id')).toBe('7');
    expect(w.find('[data-testid="run-status"]').attributes('data-run-id')).toBe('7');
    expect(w.find('[data-testid="replay-speed-1"]').attributes('aria-pressed')).toBe('true');

    await w.find('[data-testid="replay-seek-input"]').setValue('5000');
    expect(w.find('[data-testid="field-error"][data-field="vector"]').text()).toBe('the run has vectors 0 to 1,999');
    expect(w.find('[data-testid="replay-seek"]').attributes('disabled')).toBeDefined();
    await w.find('[data-testid="replay-seek-input"]').setValue('1200');
    expect(w.find('[data-testid="field-error"]').exists()).toBe(false);
    await w.find('form.seek').trigger('submit');
    await flushPromises();
    expect(e.requests.find((r) => r.method === 'replay.seek')?.params).toEqual({ replayId: 5, vector: 1200 });

    await w.find('[data-testid="replay-speed-4"]').trigger('click');
    await flushPromises();
    expect(e.requests.filter((r) => r.method === 'replay.speed').map((r) => r.params)).toEqual([{ replayId: 5, speed: 4 }]);
    expect(e.requests.filter((r) => r.method === 'replay.start')).toHaveLength(1);
    expect(e.requests.some((r) => r.method === 'replay.stop')).toBe(false);
    expect(w.find('[data-testid="replay-speed-4"]').attributes('aria-pressed')).toBe('true');
    expect(w.find('[data-testid="replay-speed-1"]').attributes('aria-pressed')).toBe('false');
    expect(w.find('[data-testid="replay-bar"]').attributes('data-state')).toBe('replaying');
    await w.find('[data-testid="replay-speed-max"]').trigger('click');
    await flushPromises();
    expect(e.requests.filter((r) => r.method === 'replay.speed').at(-1)?.params).toEqual({ replayId: 5, speed: null });
    expect(w.find('[data-testid="replay-speed-max"]').attributes('aria-pressed')).toBe('true');

    // the engine's refusal shows by the bar, and the speed in force stays pressed
    e.handler = (method) => {
      if (method === 'replay.speed') throw engineError(-32000, 'replay 5 is not playing on this connection');
      return null;
    };
    await w.find('[data-testid="replay-speed-16"]').trigger('click');
    await flushPromises();
    expect(w.find('[data-testid="replay-error"]').text()).toBe('replay 5 is not playing on this connection');
    expect(w.find('[data-testid="replay-speed-max"]').attributes('aria-pressed')).toBe('true');
    w.unmount();
  });

  it('pauses with Space, stops with Esc, and gives the screen back on Close', async () => {
    const e = await replaying();
    const w = mountScreen();
    await flushPromises();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: ' ' }));
    await flushPromises();
    expect(e.requests.some((r) => r.method === 'replay.pause')).toBe(true);
    expect(e.requests.some((r) => r.method === 'run.pause')).toBe(false);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await flushPromises();
    expect(e.requests.filter((r) => r.method === 'replay.stop')).toHaveLength(1);
    expect(w.find('[data-testid="replay-bar"]').attributes('data-state')).toBe('ended');
    await w.find('[data-testid="replay-close"]').trigger('click');
    await flushPromises();
    expect(w.find('[data-testid="replay-bar"]').exists()).toBe(false);
    expect(w.find('[data-testid="run-idle"]').exists()).toBe(true);
    w.unmount();
  });
});
