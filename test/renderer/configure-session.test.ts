// @vitest-environment happy-dom
// The Bench screen's session and simulated board: the session read from the engine, edited and
// set (empty fields as "not given"), its error by the field; the faults and baud of the simulated
// board go with a run and stay out of board.info, and a fault error lands by the faults field.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import SessionPanel from '../../renderer/src/components/SessionPanel.vue';
import RunForm from '../../renderer/src/components/RunForm.vue';
import BenchScreen from '../../renderer/src/screens/BenchScreen.vue';
import { boardChoice, describeBoard, useBenchStore } from '../../renderer/src/stores/bench';
import { setConnectionDeps, useConnectionStore } from '../../renderer/src/stores/connection';
import { describeSession, sessionParams } from '../../renderer/src/stores/session';
import { engineError, FakeEngine } from './support/fake-engine';

let pinia: Pinia;
beforeEach(() => {
  localStorage.clear();
  pinia = createPinia();
  setActivePinia(pinia);
});
afterEach(() => setConnectionDeps(null));

const EMPTY = { operator: null, bench: null, dieId: null, ambientC: null, notes: null };
const fieldError = (w: ReturnType<typeof mount>, field: string) => w.find(`[data-testid="field-error"][data-field="${field}"]`);

describe('the session', () => {
  it('is sent with empty fields as not given, and described in one line', () => {
    expect(sessionParams({ operator: ' A. Jones ', bench: '', dieId: 'W07-D17', ambientC: 27.5, notes: '  ' })).toEqual({
      operator: 'A. Jones',
      bench: null,
      dieId: 'W07-D17',
      ambientC: 27.5,
      notes: null,
    });
    expect(describeSession({ ...EMPTY, operator: 'A. Jones', bench: '3', dieId: 'D17', ambientC: 27 })).toBe('A. Jones · bench 3 · die D17 · 27 °C');
    expect(describeSession(EMPTY)).toMatch(/no session details/);
  });

  it('is read from the engine, set, and shows what the next run is logged under; an error by its field', async () => {
    let held: Record<string, unknown> = { ...EMPTY, operator: 'B. Smith' };
    const engine = new FakeEngine((method, params) => {
      if (method === 'session.get') return held;
      if (method === 'session.set') {
        if (typeof params.ambientC === 'number' && params.ambientC > 200) throw engineError(-32602, 'ambientC: Too big: expected number to be <=200', 'ambientC');
        held = { ...EMPTY, ...params };
        return held;
      }
      return null;
    });
    engine.install();
    await useConnectionStore().connect();
    const w = mount(SessionPanel, { global: { plugins: [pinia] } });
    await flushPromises();
    expect((w.find('[data-testid="session-operator"]').element as HTMLInputElement).value).toBe('B. Smith');
    expect(w.find('[data-testid="session-current"]').text()).toContain('B. Smith');

    await w.find('[data-testid="session-operator"]').setValue('A. Jones');
    await w.find('[data-testid="session-bench"]').setValue('lab 2');
    await w.find('[data-testid="session-die-id"]').setValue('W07-D17');
    await w.find('[data-testid="session-ambient"]').setValue('400');
    await w.find('[data-testid="session-notes"]').setValue('probe card 4');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(fieldError(w, 'ambientC').text()).toBe('Too big: expected number to be <=200');
    expect(w.find('[data-testid="session-current"]').text()).toContain('B. Smith');

    await w.find('[data-testid="session-ambient"]').setValue('27.5');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(engine.requests.filter((r) => r.method === 'session.set').at(-1)?.params).toEqual({
      operator: 'A. Jones',
      bench: 'lab 2',
      dieId: 'W07-D17',
      ambientC: 27.5,
      notes: 'probe card 4',
    });
    expect(fieldError(w, 'ambientC').exists()).toBe(false);
    expect(w.find('[data-testid="session-current"]').text()).toContain('A. Jones · bench lab 2 · die W07-D17 · 27.5 °C');
    expect(w.find('[data-testid="session-saved"]').exists()).toBe(true);
    await w.find('[data-testid="session-bench"]').setValue('lab 3');
    expect(w.find('[data-testid="session-saved"]').exists()).toBe(false);
    await w.find('[data-testid="session-revert"]').trigger('click');
    expect((w.find('[data-testid="session-bench"]').element as HTMLInputElement).value).toBe('lab 2');
  });
});

describe('the simulated board’s faults and baud', () => {
  it('go with a run’s board, not with board.info', async () => {
    const sel = { kind: 'sim' as const, die: '', faults: ' reboot-after=400 ', simBaud: 115200, port: '', tcp: '' };
    expect(boardChoice(sel)).toEqual({ board: 'sim', faults: 'reboot-after=400', simBaud: 115200 });
    expect(boardChoice({ ...sel, faults: '', simBaud: null })).toEqual({ board: 'sim' });
    expect(boardChoice({ ...sel, kind: 'serial', port: '/dev/ttyUSB0' })).toEqual({ board: '/dev/ttyUSB0' });
    expect(describeBoard(sel)).toBe('simulated board, default die, faults reboot-after=400, 115200 baud');

    const engine = new FakeEngine((method) => {
      if (method === 'board.info') return { address: 'sim', identity: { dieId: 'D1' }, capabilities: {} };
      if (method === 'run.start') throw engineError(-32602, 'faults: unknown fault(s) rebot-after; known: corrupt, drop', 'faults');
      return null;
    });
    engine.install();
    await useConnectionStore().connect();
    const screen = mount(BenchScreen, { global: { plugins: [pinia] } });
    await screen.find('[data-testid="sim-faults"]').setValue('rebot-after=400');
    await screen.find('[data-testid="sim-baud"]').setValue('9600');
    expect(screen.find('[data-testid="sim-faults-help"]').text()).toContain('reboot-after=N');
    await screen.find('[data-testid="board-identify"]').trigger('click');
    await flushPromises();
    expect(engine.requests.find((r) => r.method === 'board.info')?.params).toEqual({ board: 'sim' });
    expect(useBenchStore().choice).toEqual({ board: 'sim', faults: 'rebot-after=400', simBaud: 9600 });

    const form = mount(RunForm, { global: { plugins: [pinia] } });
    expect(form.find('[data-testid="board-description"]').text()).toContain('faults rebot-after=400');
    await form.find('form').trigger('submit');
    await flushPromises();
    expect(engine.requests.find((r) => r.method === 'run.start')?.params).toMatchObject({ board: 'sim', faults: 'rebot-after=400', simBaud: 9600 });
    expect(fieldError(form, 'faults').text()).toContain('unknown fault(s) rebot-after');
  });
});
