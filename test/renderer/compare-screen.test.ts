// @vitest-environment happy-dom
// The Compare screen on a fake engine: one run against the model (findings with their evidence,
// the plots and heatmaps, outliers one click from a replay), run against run (deltas, each run's
// plots side by side), and runs over different stimulus refused with the engine's message by the
// field it names.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import CompareScreen from '../../renderer/src/screens/CompareScreen.vue';
import { setConnectionDeps, useConnectionStore } from '../../renderer/src/stores/connection';
import { useNavStore } from '../../renderer/src/stores/nav';
import { runComparison, runsComparison } from './compare-fixture';
import { engineError, FakeEngine, until } from './support/fake-engine';

let pinia: Pinia;
beforeEach(() => {
  localStorage.clear();
  history.replaceState(null, '', '/?token=good');
  pinia = createPinia();
  setActivePinia(pinia);
});
afterEach(() => setConnectionDeps(null));

function engine(): FakeEngine {
  const e = new FakeEngine((method, params) => {
    if (method === 'compare.run') return runComparison(Number(params.run));
    if (method === 'compare.runs') {
      if (params.with === 12) throw engineError(-32000, 'with: run 12 is over another stimulus (sha256:x) than run 7 (sha256:v): nothing to align', 'with');
      return runsComparison(Number(params.run), Number(params.with));
    }
    if (method === 'replay.start') return { replayId: 3, runId: params.run, guid: 'g' };
    return null;
  });
  e.install();
  return e;
}

describe('the Compare screen', () => {
  it('compares a run with the model: figures, findings, plots, heatmaps, outliers to replay', async () => {
    const e = engine();
    await useConnectionStore().connect();
    useNavStore().go('compare', 7);
    const w = mount(CompareScreen, { global: { plugins: [pinia] } });
    await until(() => w.find('[data-testid="compare-run-result"]').exists(), 'the comparison');
    expect(location.hash).toBe('#/compare/7');
    expect(e.requests.find((r) => r.method === 'compare.run')?.params).toEqual({ run: 7 });
    expect(w.find('[data-testid="compare-snr"]').text()).toContain('17.60 dB');
    const findings = w.findAll('[data-testid="finding"]');
    expect(findings.map((f) => f.attributes('data-kind'))).toEqual(['stuck-cell', 'threshold-misfire']);
    expect(findings[0]?.find('[data-testid="finding-where"]').text()).toBe('row 12, column 3 (output 1, weight bit 1)');
    expect(findings[0]?.text()).toContain('z = 31.2');
    expect(w.find('[data-testid="plot-run-7-transfer"]').exists()).toBe(true);
    expect(w.find('[data-testid="heatmap-run-7-columns-mean"]').exists()).toBe(true);
    expect(w.find('[data-testid="heatmap-run-7-levels"]').exists()).toBe(true);
    expect(w.findAll('[data-testid="outlier-row"]').map((r) => r.attributes('data-vector'))).toEqual(['1234']);
    // the export of the run compared: a download from the engine, with the page's token
    expect(w.find('[data-testid="export-download"]').attributes('href')).toBe('http://127.0.0.1:4000/download/runs/7.csv?token=good');

    await w.find('[data-testid="outlier-replay"]').trigger('click');
    await flushPromises();
    expect(e.requests.find((r) => r.method === 'replay.start')?.params).toEqual({ run: 7, speed: null, forDisplay: true, fromVector: 1234 });
    expect(useNavStore().screen).toBe('run');
  });

  it('compares two runs: deltas, and each run against the model side by side', async () => {
    const e = engine();
    await useConnectionStore().connect();
    useNavStore().go('compare', 7, 9);
    const w = mount(CompareScreen, { global: { plugins: [pinia] } });
    await until(() => w.find('[data-testid="compare-runs-result"]').exists(), 'the comparison');
    expect(location.hash).toBe('#/compare/7/9');
    expect(e.requests.find((r) => r.method === 'compare.runs')?.params).toEqual({ run: 7, with: 9 });
    expect(w.find('[data-testid="compare-die-a"]').text()).toBe('SIM-DIE-0001');
    expect(w.find('[data-testid="compare-die-b"]').text()).toBe('SIM-DIE-0002');
    const snr = w.find('[data-testid="delta-row"][data-key="snrDb"]');
    expect(snr.text()).toContain('-2.500');
    expect(snr.text()).toContain('-2.750 … -2.250');
    await until(() => w.findAll('[data-testid="compare-side-by-side"] [data-testid="plot-run-9-transfer"]').length === 1, 'the plots side by side');
    expect(w.find('[data-testid="compare-side-by-side"] [data-testid="plot-run-7-transfer"]').exists()).toBe(true);
    expect(w.find('[data-testid="heatmap-runs-7-9-columns-delta"]').exists()).toBe(true);
    expect(w.find('[data-testid="export-download"]').attributes('href')).toBe('http://127.0.0.1:4000/download/runs/7.html?token=good&with=9');
  });

  it('refuses runs over different stimulus with the engine’s message, by the run picked', async () => {
    engine();
    await useConnectionStore().connect();
    useNavStore().go('compare', 7, 12);
    const w = mount(CompareScreen, { global: { plugins: [pinia] } });
    await until(() => w.find('[data-testid="field-error"][data-field="with"]').exists(), 'the refusal');
    expect(w.find('[data-testid="field-error"][data-field="with"]').text()).toBe('run 12 is over another stimulus (sha256:x) than run 7 (sha256:v): nothing to align');
    expect(w.find('[data-testid="compare-with-input"]').attributes('aria-invalid')).toBe('true');
    expect(w.find('[data-testid="compare-runs-result"]').exists()).toBe(false);

    // against the model instead, from the form
    await w.find('[data-testid="compare-with-input"]').setValue('');
    await w.find('[data-testid="compare-form"]').trigger('submit');
    await until(() => w.find('[data-testid="compare-run-result"]').exists(), 'the comparison with the model');
    expect(location.hash).toBe('#/compare/7');
    expect(w.find('[data-testid="field-error"][data-field="with"]').exists()).toBe(false);
  });
});
