// @vitest-environment happy-dom
// The serial ports are listed when a screen shows them, not at every connect: listing them holds
// the engine for 0.1-0.5 s, which a page opened on another screen (the History) waited out. Once
// shown, they are listed again at each refresh (a reconnect).
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useBenchStore } from '../../renderer/src/stores/bench';
import { setConnectionDeps, useConnectionStore } from '../../renderer/src/stores/connection';
import { FakeEngine } from './support/fake-engine';

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
});
afterEach(() => setConnectionDeps(null));

const INFO = { name: 'osa-bench', version: 't', api: 1, db: '/tmp/x.db', methods: [], live: [] };

describe('the serial ports', () => {
  it('are listed once a screen shows them, then at each refresh', async () => {
    const engine = new FakeEngine((method) => (method === 'bench.info' ? INFO : method === 'ports.list' ? [{ path: '/dev/ttyUSB0', vendorId: '0403' }] : null));
    engine.install();
    await useConnectionStore().connect();
    const bench = useBenchStore();
    const listed = () => engine.requests.filter((r) => r.method === 'ports.list').length;

    await bench.refresh();
    expect(bench.info?.name).toBe('osa-bench');
    expect(listed()).toBe(0);

    await bench.showPorts();
    expect(listed()).toBe(1);
    expect(bench.ports.map((p) => p.path)).toEqual(['/dev/ttyUSB0']);

    await bench.refresh();
    await flushPromises();
    expect(listed()).toBe(2);
  });
});
