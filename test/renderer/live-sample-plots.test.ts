// @vitest-environment happy-dom
// The Run screen's scatter of sampled MACs and its residual histograms, as plot specs and as
// panels: measured yhat against exact with the line y = x, in x order (as Chart.js takes unparsed
// points); the code residual per LSB; the yhat error per octave, trimmed to the bins in use and
// symmetric about 0; a run without samples (logged before them) or without codes (dcim) says so.
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { chartConfig } from '../../renderer/src/charts/chart-config';
import { diagonal, livePlots, yhatErrorWindow } from '../../renderer/src/charts/live-plots';
import { TONES, type PlotSpec, type Tone } from '../../renderer/src/charts/plot-spec';
import LivePlots from '../../renderer/src/components/LivePlots.vue';
import { RunFold, type RunView } from '../../renderer/src/fold/run-fold';
import { CODE_RESIDUAL_BINS, codeResidualBinLabels, YHAT_ERROR_BINS, YHAT_ERROR_OCTAVES, type ResidualHistograms } from '../../shared/api/figures';
import type { WireDocument } from '../../shared/api/rpc';
import { batchDoc, runStream, startDoc } from './support/streams';

let pinia: Pinia;
beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
});

const zeros = (n: number) => new Array<number>(n).fill(0);
const MID = YHAT_ERROR_OCTAVES;

function histograms(code: Record<number, number>, error: Record<number, number>): ResidualHistograms {
  const c = zeros(CODE_RESIDUAL_BINS);
  const e = zeros(YHAT_ERROR_BINS);
  Object.entries(code).forEach(([k, n]) => (c[Number(k)] = n));
  Object.entries(error).forEach(([k, n]) => (e[Number(k)] = n));
  return { codeResidual: c, yhatError: e };
}

function viewOf(pairs: [number, number][], residuals: ResidualHistograms): RunView {
  const fold = new RunFold(3);
  fold.apply(startDoc(3, 0));
  const doc: WireDocument = { ...batchDoc(3, 1, 0), sample: { pairs, ...residuals }, residuals };
  fold.apply(doc);
  return fold.snapshot();
}

const plot = (specs: PlotSpec[], id: string) => {
  const p = specs.find((s) => s.id === id);
  if (!p) throw new Error(`no plot ${id}`);
  return p;
};

describe('the sampled MACs’ plots', () => {
  const residuals = histograms({ 8: 40, 9: 900, 10: 60, 0: 2 }, { [MID]: 5, [MID + 8]: 700, [MID - 9]: 300 });
  const view = viewOf(
    [
      [300, 320],
      [-500, -480],
      [20, 12],
      [-50, 900],
    ],
    residuals,
  );
  const specs = livePlots(view);

  it('draws measured yhat against exact in x order, with y = x over both axes’ range, not thinned by Chart.js', () => {
    const s = plot(specs, 'live-scatter');
    expect(s.kind).toBe('line');
    const [points, line] = s.series;
    expect(points?.points.map((p) => p.x)).toEqual([-500, -50, 20, 300]);
    expect(points?.points).toContainEqual({ x: -50, y: 900 });
    expect(points?.line).toBe(false);
    expect(line?.points).toEqual([
      { x: -500, y: -500 },
      { x: 900, y: 900 },
    ]);
    expect(s.decimate).toBeFalsy();
    const tones = Object.fromEntries(TONES.map((t) => [t, '#123456'])) as Record<Tone, string>;
    const config = chartConfig(s, { tones, text: '#000', grid: '#ccc', background: '#fff' });
    expect(config.options?.plugins?.decimation?.enabled).toBe(false);
    expect(config.data.datasets[0]).toMatchObject({ showLine: false });
    expect(diagonal([])).toEqual([]);
  });

  it('draws the code residual as bars per LSB, the open bins at the ends', () => {
    const s = plot(specs, 'live-code-histogram');
    expect(s.kind).toBe('bar');
    expect(s.x.categories).toEqual(codeResidualBinLabels());
    expect(s.x.categories?.[0]).toBe('≤−9');
    expect(s.x.categories?.[9]).toBe('0');
    expect(s.series[0]?.points.map((p) => p.y)).toEqual(residuals.codeResidual);
  });

  it('draws the yhat error over the octaves in use, symmetric about 0', () => {
    const s = plot(specs, 'live-yhat-histogram');
    // the farthest bin in use is 9 octaves out: bins MID-9 .. MID+9
    expect(s.x.categories).toHaveLength(19);
    expect(s.x.categories?.[9]).toBe('0');
    expect(s.x.categories?.[0]).toBe('−2⁸');
    expect(s.x.categories?.at(-1)).toBe('+2⁸');
    const y = s.series[0]?.points.map((p) => p.y) ?? [];
    expect(y.reduce((a, b) => a + b, 0)).toBe(1005);
    expect(y[0]).toBe(300);
    expect(y[9]).toBe(5);
    expect(y[9 + 8]).toBe(700);
    // never narrower than ±2⁴, whatever is in use
    expect(yhatErrorWindow(zeros(YHAT_ERROR_BINS))).toEqual({ from: MID - 5, to: MID + 6 });
    const far = zeros(YHAT_ERROR_BINS);
    far[YHAT_ERROR_BINS - 1] = 1;
    expect(yhatErrorWindow(far)).toEqual({ from: 0, to: YHAT_ERROR_BINS });
  });

  it('says why a plot is empty: a run logged before samples, a run without analog codes', () => {
    const old = new RunFold(7);
    for (const d of runStream(7, 3)) old.apply(d);
    const oldSpecs = livePlots(old.snapshot());
    for (const id of ['live-scatter', 'live-code-histogram', 'live-yhat-histogram']) {
      const s = plot(oldSpecs, id);
      expect(s.series.every((x) => x.points.length === 0)).toBe(true);
      expect(s.empty).toMatch(/logged before/);
    }
    const dcim = livePlots(viewOf([[5, 5]], histograms({}, { [MID]: 3200 })));
    expect(plot(dcim, 'live-code-histogram').series).toEqual([]);
    expect(plot(dcim, 'live-code-histogram').empty).toMatch(/no analog codes/);
    expect(plot(dcim, 'live-yhat-histogram').series[0]?.points.some((p) => p.y === 3200)).toBe(true);
    const waiting = livePlots(new RunFold(9).snapshot());
    expect(plot(waiting, 'live-scatter').empty).toMatch(/waiting/);
  });

  it('mounts the scatter and the histograms as panels with a PNG export each', () => {
    const w = mount(LivePlots, { props: { view }, global: { plugins: [pinia] } });
    for (const id of ['live-scatter', 'live-code-histogram', 'live-yhat-histogram']) {
      const panel = w.find(`[data-testid="plot-${id}"]`);
      expect(panel.exists()).toBe(true);
      expect(panel.find('[data-testid="export-png"]').exists()).toBe(true);
    }
  });
});
