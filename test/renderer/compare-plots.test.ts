// The comparison plots made from the engine's answers: histograms as bars over their bins, the
// transfer curve beside the ideal, SNR per level with a level that has none left out, the per-column
// heatmap placing each physical column at its output and weight bit, the confusion matrix, and the
// cells' colour scale.
import { describe, expect, it } from 'vitest';
import {
  cellColor,
  columnHeatmaps,
  columnMatrix,
  confusionMatrix,
  hasCells,
  histogramPlot,
  matrixRange,
  runPlots,
  runsPlots,
} from '../../renderer/src/charts/compare-plots';
import { histogram, runComparison, runsComparison } from './compare-fixture';

describe('the comparison plots', () => {
  it('draws a histogram as bars labelled by their bins’ centres, an empty one left out', () => {
    const p = histogramPlot('h', 'h', 'LSB', [
      { label: 'measured', h: histogram([1, 2, 3], -1.5, 1), tone: 'measured' },
      { label: 'model', h: histogram([0, 0, 0], -1.5, 1), tone: 'model' },
    ]);
    expect(p.kind).toBe('bar');
    expect(p.x.categories).toEqual(['-1', '0', '1']);
    expect(p.series.map((s) => s.label)).toEqual(['measured']);
    expect(p.series[0]?.points.map((q) => q.y)).toEqual([1, 2, 3]);
  });

  it('makes every plot of one run against the model', () => {
    const c = runComparison(7);
    const plots = runPlots(c);
    expect(plots.map((p) => p.id)).toEqual([
      'run-7-yhat-error',
      'run-7-yhat-residual',
      'run-7-code-residual',
      'run-7-planes',
      'run-7-transfer',
      'run-7-snr-level',
      'run-7-energy',
    ]);
    const transfer = plots.find((p) => p.id === 'run-7-transfer');
    expect(transfer?.series.map((s) => s.points.map((q) => q.y))).toEqual([
      [0.2, 4.2, 8.2, 12.2, 16.2],
      [0, 4, 8, 12, 16],
    ]);
    const snr = plots.find((p) => p.id === 'run-7-snr-level');
    expect(snr?.x.categories).toEqual(['level 0', 'level 1']);
    // a level without an SNR is a gap at its own category, not a shifted bar
    expect(snr?.series[0]?.points.map((q) => q.y)).toEqual([18.1, NaN]);
    const energy = plots.find((p) => p.id === 'run-7-energy');
    expect(energy?.series[1]?.points.map((q) => q.y)).toEqual([11.8, 11.2, NaN]);
  });

  it('places each physical column at its output (row) and weight bit (column)', () => {
    const [mean, sd] = columnHeatmaps(runComparison(7));
    expect(mean?.rows).toEqual(['out 0', 'out 1']);
    expect(mean?.cols).toEqual(['b0', 'b1']);
    expect(mean?.values).toEqual([
      [0, 0.02],
      [0.04, 1.5],
    ]);
    expect(mean?.scale).toBe('diverging');
    expect(sd?.scale).toBe('sequential');
    const sparse = columnMatrix('m', 'm', [{ output: 1, weightBit: 2 }], () => 5, 'LSB', 'sequential');
    expect(sparse.values).toEqual([
      [null, null, null],
      [null, null, 5],
    ]);
    expect(hasCells(columnMatrix('e', 'e', [], () => 1, '', 'sequential'))).toBe(false);
  });

  it('shows a confusion matrix with its counts', () => {
    const m = confusionMatrix('c', 'c', runComparison(7).levels.confusion, 'die', 'model');
    expect(m.rows).toEqual(['L0', 'L1']);
    expect(m.values).toEqual([
      [2985, 5],
      [15, 995],
    ]);
    expect(m.showValues).toBe(true);
  });

  it('makes the plots of run against run', () => {
    const v = runsPlots(runsComparison(7, 9));
    expect(v.plots.map((p) => p.id)).toEqual(['runs-7-9-yhat-difference']);
    expect(v.matrices.map((m) => m.id)).toEqual(['runs-7-9-columns-delta', 'runs-7-9-columns-delta-sd', 'runs-7-9-levels']);
    expect(v.matrices[0]?.values[1]).toEqual([-0.8, 0.05]);
  });

  it('colours a diverging cell by its sign and size, and a missing one apart', () => {
    const m = columnHeatmaps(runComparison(7))[0];
    if (!m) throw new Error('no heatmap');
    const range = matrixRange(m);
    expect(range).toEqual({ max: 1.5, reach: 1.5 });
    const tones = { low: 'blue', high: 'red', none: 'grey' };
    expect(cellColor(1.5, m, range, tones)).toEqual({ color: 'red', alpha: 1 });
    expect(cellColor(-0.75, m, range, tones)).toEqual({ color: 'blue', alpha: 0.5 });
    expect(cellColor(null, m, range, tones)).toEqual({ color: 'grey', alpha: 1 });
  });
});
