// @vitest-environment happy-dom
// The components the e2e suite drives, mounted with their stores: the run form and the procedure
// form showing the engine's error by the field it names, the theme toggle, the connection banner,
// a run's status with its controls and keys, and the plots with their PNG export.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ConnectionBanner from '../../renderer/src/components/ConnectionBanner.vue';
import LivePlots from '../../renderer/src/components/LivePlots.vue';
import ProcedureForm from '../../renderer/src/components/ProcedureForm.vue';
import ProcedureResult from '../../renderer/src/components/ProcedureResult.vue';
import RunForm from '../../renderer/src/components/RunForm.vue';
import RunStatus from '../../renderer/src/components/RunStatus.vue';
import ThemeToggle from '../../renderer/src/components/ThemeToggle.vue';
import { handleRunKey, type RunKeys } from '../../renderer/src/composables/run-shortcuts';
import { RunFold } from '../../renderer/src/fold/run-fold';
import { setConnectionDeps, useConnectionStore } from '../../renderer/src/stores/connection';
import { useProceduresStore } from '../../renderer/src/stores/procedures';
import { useThemeStore } from '../../renderer/src/stores/theme';
import { engineError, FakeEngine } from './support/fake-engine';
import { runStream, sweepStream } from './support/streams';

let pinia: Pinia;
beforeEach(() => {
  localStorage.clear();
  document.documentElement.removeAttribute('data-theme');
  pinia = createPinia();
  setActivePinia(pinia);
});
afterEach(() => setConnectionDeps(null));

const fieldError = (w: ReturnType<typeof mount>, field: string) => w.find(`[data-testid="field-error"][data-field="${field}"]`);

describe('the run form', () => {
  it('shows the engine’s error next to the field it names', async () => {
    const engine = new FakeEngine((method) => {
      if (method === 'run.start') throw engineError(-32602, 'workload.vectors: Too small: expected number to be >=1', 'workload.vectors');
      return null;
    });
    engine.install();
    await useConnectionStore().connect();
    const w = mount(RunForm, { global: { plugins: [pinia] } });
    await w.find('[data-testid="run-vectors"]').setValue('0');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(engine.requests.find((r) => r.method === 'run.start')?.params.workload).toEqual({ kind: 'relu', vectors: 0, seed: 1 });
    const err = fieldError(w, 'workload.vectors');
    expect(err.exists()).toBe(true);
    expect(err.text()).toBe('Too small: expected number to be >=1');
    expect(w.find('[data-testid="run-vectors"]').attributes('aria-invalid')).toBe('true');
    expect(w.findAll('[data-testid="field-error"]')).toHaveLength(1);
  });

  it('shows boundary and skip for hcim only, and an error on the board by the board', async () => {
    const engine = new FakeEngine((method) => {
      if (method === 'run.start') throw engineError(-32602, 'board: Too small: expected string to have >=1 characters', 'board');
      return null;
    });
    engine.install();
    await useConnectionStore().connect();
    const w = mount(RunForm, { global: { plugins: [pinia] } });
    expect(w.find('[data-testid="run-boundary"]').exists()).toBe(false);
    await w.find('[data-testid="run-mode"]').setValue('hcim');
    expect(w.find('[data-testid="run-boundary"]').exists()).toBe(true);
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(fieldError(w, 'board').text()).toMatch(/Too small/);
  });
});

describe('the procedure form', () => {
  it('is made from the procedure’s params schema, and shows a params error by its parameter', async () => {
    const engine = new FakeEngine((method) => {
      if (method === 'procedure.start') throw engineError(-32602, 'params.to: Too big: expected number to be <=31', 'params.to');
      return null;
    });
    engine.install();
    await useConnectionStore().connect();
    useProceduresStore().select('snr-sweep');
    const w = mount(ProcedureForm, { global: { plugins: [pinia] } });
    expect(w.findAll('[data-testid^="param-"]').map((e) => e.attributes('data-testid'))).toEqual([
      'param-workload',
      'param-vectors',
      'param-seed',
      'param-from',
      'param-to',
      'param-skip',
    ]);
    expect((w.find('[data-testid="param-to"]').element as HTMLInputElement).value).toBe('14');
    await w.find('[data-testid="param-to"]').setValue('40');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(engine.requests.find((r) => r.method === 'procedure.start')?.params.params).toMatchObject({ from: 0, to: 40 });
    expect(fieldError(w, 'params.to').text()).toBe('Too big: expected number to be <=31');
  });

  it('takes lists as comma-separated text', async () => {
    const engine = new FakeEngine((method) =>
      method === 'procedure.start' ? { runId: 3, guid: 'g' } : method === 'run.subscribe' ? { runId: 3, fromSeq: 0, source: 'stream' } : [],
    );
    engine.install();
    await useConnectionStore().connect();
    useProceduresStore().select('osa-points');
    const w = mount(ProcedureForm, { global: { plugins: [pinia] } });
    await w.find('[data-testid="param-offsets"]').setValue('-100, 0 , 100');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(engine.requests.find((r) => r.method === 'procedure.start')?.params.params).toMatchObject({ offsets: [-100, 0, 100] });
  });
});

describe('the theme toggle', () => {
  it('switches light and dark, on the page and in localStorage', async () => {
    const w = mount(ThemeToggle, { global: { plugins: [pinia] } });
    const start = document.documentElement.getAttribute('data-theme');
    expect(start === 'light' || start === 'dark').toBe(true);
    await w.find('[data-testid="theme-toggle"]').trigger('click');
    const next = start === 'dark' ? 'light' : 'dark';
    expect(document.documentElement.getAttribute('data-theme')).toBe(next);
    expect(w.find('[data-testid="theme-toggle"]').attributes('data-theme')).toBe(next);
    expect(JSON.parse(localStorage.getItem('osa-bench.theme') ?? 'null')).toBe(next);
    // a new page keeps the choice
    setActivePinia(createPinia());
    expect(useThemeStore().theme).toBe(next);
  });
});

describe('the connection banner', () => {
  it('says the engine refused the connection when the token is wrong', async () => {
    const engine = new FakeEngine();
    engine.refuse = true;
    engine.install('?token=wrong');
    await useConnectionStore().connect();
    const w = mount(ConnectionBanner, { global: { plugins: [pinia] } });
    const banner = w.find('[data-testid="connection-error"]');
    expect(banner.exists()).toBe(true);
    expect(banner.text().toLowerCase()).toContain('the engine refused the connection: the token in the address is missing or wrong');
  });
});

describe('a run’s status and keys', () => {
  const view = (upTo: number) => {
    const fold = new RunFold(7);
    for (const d of runStream(7, 5).slice(0, upTo)) fold.apply(d);
    return fold.snapshot();
  };

  it('shows the state, the progress and the controls that apply', async () => {
    const w = mount(RunStatus, { props: { view: view(6), canPause: true, canResume: false, live: true, confirmingAbort: false, controlError: null } });
    expect(w.find('[data-testid="run-state"]').text()).toBe('running');
    expect(w.find('[data-testid="run-progress"]').attributes('aria-valuenow')).toBe('20');
    expect(w.find('[data-testid="pause-run"]').attributes('disabled')).toBeUndefined();
    expect(w.find('[data-testid="resume-run"]').attributes('disabled')).toBeDefined();
    await w.find('[data-testid="abort-run"]').trigger('click');
    expect(w.emitted('abort')).toHaveLength(1);
    await w.setProps({ confirmingAbort: true });
    await w.find('[data-testid="abort-confirm"]').trigger('click');
    expect(w.emitted('confirmAbort')).toHaveLength(1);
  });

  it('shows a procedure’s step i of n', () => {
    const fold = new RunFold(10);
    const docs = sweepStream(10, 8, 10);
    for (const d of docs.slice(0, 5)) fold.apply(d);
    const w = mount(RunStatus, { props: { view: fold.snapshot(), canPause: true, canResume: false, live: true, confirmingAbort: false, controlError: null } });
    expect(w.find('[data-testid="procedure-step"]').text()).toMatch(/^1 of 3/);
  });

  it('pauses and resumes on Space, asks before aborting on Esc, starts on Ctrl+Enter', () => {
    const calls: string[] = [];
    const keys = (o: Partial<RunKeys>): RunKeys => ({
      start: () => calls.push('start'),
      pause: () => calls.push('pause'),
      resume: () => calls.push('resume'),
      requestAbort: () => calls.push('requestAbort'),
      confirmAbort: () => calls.push('confirmAbort'),
      cancelAbort: () => calls.push('cancelAbort'),
      canPause: false,
      canResume: false,
      confirmingAbort: false,
      ...o,
    });
    const key = (k: string, o: { ctrlKey?: boolean; target?: unknown } = {}) =>
      ({ key: k, ctrlKey: false, metaKey: false, altKey: false, target: null, ...o }) as unknown as KeyboardEvent;
    expect(handleRunKey(key(' '), keys({ canPause: true }))).toBe(true);
    expect(handleRunKey(key(' '), keys({ canResume: true }))).toBe(true);
    expect(handleRunKey(key(' '), keys({}))).toBe(false);
    // Space in a field types a space
    expect(handleRunKey(key(' ', { target: { tagName: 'INPUT' } }), keys({ canPause: true }))).toBe(false);
    handleRunKey(key('Escape'), keys({}));
    handleRunKey(key('Enter'), keys({ confirmingAbort: true }));
    handleRunKey(key('Escape'), keys({ confirmingAbort: true }));
    handleRunKey(key('Enter', { ctrlKey: true, target: { tagName: 'INPUT' } }), keys({}));
    expect(calls).toEqual(['pause', 'resume', 'requestAbort', 'confirmAbort', 'cancelAbort', 'start']);
  });
});

describe('the plots', () => {
  it('draws the live plots of a run, each with a PNG export', () => {
    const fold = new RunFold(7);
    for (const d of runStream(7, 5)) fold.apply(d);
    const w = mount(LivePlots, { props: { view: fold.snapshot() }, global: { plugins: [pinia] } });
    expect(w.findAll('[data-testid^="plot-live-"]').map((p) => p.attributes('data-testid'))).toEqual([
      'plot-live-snr',
      'plot-live-level',
      'plot-live-power',
      'plot-live-residual',
      'plot-live-scatter',
      'plot-live-code-histogram',
      'plot-live-yhat-histogram',
    ]);
    expect(w.findAll('[data-testid="export-png"]')).toHaveLength(7);
  });

  it('draws a procedure’s result from its report', () => {
    const fold = new RunFold(10);
    for (const d of sweepStream(10, 8, 10)) fold.apply(d);
    const report = fold.snapshot().report;
    if (!report) throw new Error('no report');
    const w = mount(ProcedureResult, { props: { report, runId: 10 }, global: { plugins: [pinia] } });
    expect(w.find('[data-testid="procedure-result"]').attributes('data-procedure')).toBe('snr-sweep');
    expect(w.find('[data-testid="plot-snr-vs-boundary"]').exists()).toBe(true);
    expect(w.findAll('[data-testid="table-snr-sweep-points"] tbody tr')).toHaveLength(3);
  });
});
