// A self-contained HTML report of a comparison (docs/export.md): one run against the model
// (engine/compare/compare-run.ts) or run against run over the same stimulus (compare-runs.ts).
// The findings with their evidence, the figures, histograms, the transfer curve, per-column
// residuals and the level confusion as inline SVG, and the provenance of every run compared; the
// same page frame as html-report.ts (no script, nothing fetched, every stored text escaped).
import { compareRun } from '../compare/compare-run';
import { compareRuns } from '../compare/compare-runs';
import type { Finding, Histogram as HistogramDoc, RunComparison, RunsComparison } from '../../shared/api/compare';
import { FieldError } from '../../shared/api/run-options';
import type { RunStore } from '../store/run-store';
import { fileSink } from './byte-sink';
import { dB, details, figuresTable, json, keyValues, page, provenanceSection, runHead, table, type Section } from './html-report';
import { formatNumber } from './html-text';
import { heatmap, histogram, xyPlot, type Bin } from './svg-plot';

export interface ComparisonReportOptions {
  readonly now?: () => Date;
}

export interface ComparisonReport {
  readonly html: string;
  /** 'run': a run against the model; 'runs': run A against run B */
  readonly kind: 'run' | 'runs';
  readonly runId: number;
  readonly withRunId: number | null;
  readonly findings: number;
}

const plots = (...svg: string[]) => `<div class="plots">${svg.join('')}</div>`;

const binsOf = (hist: HistogramDoc): Bin[] => hist.counts.map((count, k) => ({ from: hist.lo + k * hist.binWidth, to: hist.lo + (k + 1) * hist.binWidth, count }));

const histogramNote = (hist: HistogramDoc, unit: string) =>
  `<p class="sub">${formatNumber(hist.total)} values; mean ${formatNumber(hist.mean)} ${unit}, sd ${formatNumber(hist.sd)} ${unit}, min ${formatNumber(hist.min)}, max ${formatNumber(hist.max)}; ${formatNumber(hist.underflow)} below and ${formatNumber(hist.overflow)} above the plotted range</p>`;

/** Where a finding is on the die, in the chip's terms. */
function findingPlace(f: Finding): string {
  switch (f.kind) {
    case 'stuck-cell':
      return `row ${f.row}, column ${f.column} (output ${f.output}, weight bit ${f.weightBit})`;
    case 'threshold-misfire':
      return `threshold ${f.threshold} (level ${f.threshold} to ${f.threshold + 1}, theta ${formatNumber(f.theta)})`;
    case 'digital-mismatch':
      return `output ${f.output}`;
    default:
      return `column ${f.column} (output ${f.output}, weight bit ${f.weightBit})`;
  }
}

/** What the finding says, in one line. */
function findingClaim(f: Finding): string {
  switch (f.kind) {
    case 'stuck-cell':
      return `cell stuck at ${f.stuckAt}, seen in the ${f.evidence.channel === 'both' ? 'ADC codes and the digital sums' : f.evidence.channel === 'analog' ? 'ADC codes' : 'digital sums'}`;
    case 'dead-column':
      return `the ADC column reads ${f.evidence.code} in ${formatNumber(f.evidence.fractionAtCode * 100, 3)} % of ${f.evidence.samples} conversions`;
    case 'saturated-column':
      return `the ADC column sits at full scale in ${formatNumber(f.evidence.fractionAtTop * 100, 3)} % of conversions (ideal ${formatNumber(f.evidence.idealFractionAtTop * 100, 3)} %)`;
    case 'column-gain':
      return `gain ${formatNumber(f.evidence.gain)} against a median of ${formatNumber(f.evidence.medianGain)} (robust z ${formatNumber(f.evidence.robustZ, 3)})`;
    case 'column-offset':
      return `offset ${formatNumber(f.evidence.offsetLsb)} LSB against a median of ${formatNumber(f.evidence.medianOffsetLsb)} LSB (robust z ${formatNumber(f.evidence.robustZ, 3)})`;
    case 'threshold-misfire':
      return `fired below theta ${f.evidence.firedBelow} times, missed above it ${f.evidence.missedAbove} times in ${f.evidence.macs} MACs`;
    case 'digital-mismatch':
      return `${f.evidence.macs} MACs whose digital sum differs from the model's, ${f.evidence.unexplained} not explained by the stuck cells found`;
  }
}

function findingsSection(findings: readonly Finding[]): Section {
  if (findings.length === 0) return { title: 'Findings', html: '<p>None: the die behaves as the model says, within its noise.</p>' };
  const rows = findings.map((f) => [f.kind, findingPlace(f), findingClaim(f)]);
  const evidence = findings.map((f, k) => details(`${k + 1}. ${f.kind}, ${findingPlace(f)}: the evidence`, keyValues(Object.entries(f.evidence))));
  return { title: `Findings (${findings.length})`, html: table(['finding', 'where', 'what'], rows) + evidence.join('') };
}

const levelLabels = (n: number) => Array.from({ length: n }, (_, k) => String(k));

function provenanceOf(store: RunStore, runId: number, title: string): Section[] {
  const row = store.getRun(runId);
  return row ? [{ ...provenanceSection(row.provenance), title }] : [];
}

function runSections(store: RunStore, c: RunComparison): Section[] {
  const g = c.geometry;
  const errorBins = binsOf(c.yhatError);
  const modelBins = binsOf(c.modelYhatError);
  const mid = (b: Bin) => (b.from + b.to) / 2;
  const columns = c.columns;
  const colX = columns.map((col) => col.column);
  return [
    findingsSection(c.findings),
    {
      title: 'Figures',
      html:
        figuresTable(c.figures) +
        keyValues([
          ['MACs compared', c.macs],
          ['mode', c.config.mode],
          ['boundary', c.config.boundary],
          ['skip', c.config.skip],
          [
            'geometry',
            `${g.rows} rows x ${g.outputs} outputs, ${g.inputBits}-bit inputs x ${g.weightBits}-bit weights, ${g.adcBits}-bit ADC (measured at ${g.measuredAdcBits} bits)`,
          ],
          ['stuck-cell scan', `${c.scan.vectors} vectors in ${c.scan.blocks} blocks`],
        ]),
    },
    {
      title: 'Residuals',
      html:
        plots(
          histogram({ title: 'Residual, measured - model yhat', xLabel: 'yhat - model yhat (x*w)', bins: binsOf(c.yhatResidual) }),
          xyPlot({
            title: 'Error against the exact sum, measured and model',
            xLabel: 'yhat - exact (x*w)',
            yLabel: 'MACs',
            series: [
              { name: 'measured', x: errorBins.map(mid), y: errorBins.map((b) => b.count), style: 'line' },
              { name: 'model', x: modelBins.map(mid), y: modelBins.map((b) => b.count), style: 'line' },
            ],
          }),
          histogram({ title: 'Code residual, measured - ideal code', xLabel: 'LSB', bins: binsOf(c.codeResidual) }),
        ) +
        histogramNote(c.yhatResidual, 'x*w') +
        histogramNote(c.codeResidual, 'LSB'),
    },
    {
      title: 'ADC transfer and columns',
      html:
        plots(
          xyPlot({
            title: 'Transfer: mean code per plane popcount',
            xLabel: 'popcount of the plane',
            yLabel: 'code (LSB)',
            series: [
              { name: 'measured', x: c.transfer.map((t) => t.popcount), y: c.transfer.map((t) => t.meanCode), style: 'line+dots' },
              { name: 'ideal', x: c.transfer.map((t) => t.popcount), y: c.transfer.map((t) => t.idealCode), style: 'line' },
            ],
          }),
          xyPlot({
            title: 'Code residual per ADC column',
            xLabel: 'column m * BW + j',
            yLabel: 'LSB',
            series: [
              { name: 'mean', x: colX, y: columns.map((col) => col.meanLsb), style: 'line+dots' },
              { name: 'sd', x: colX, y: columns.map((col) => col.sdLsb), style: 'line+dots' },
              { name: 'fitted offset', x: colX, y: columns.map((col) => col.offsetLsb), style: 'dots' },
            ],
          }),
          xyPlot({
            title: 'Fitted gain per ADC column',
            xLabel: 'column m * BW + j',
            yLabel: 'gain',
            series: [{ name: 'gain', x: colX, y: columns.map((col) => col.gain), style: 'line+dots' }],
          }),
        ) +
        details(
          'every column',
          table(
            ['column', 'output', 'weight bit', 'conversions', 'mean (LSB)', 'sd (LSB)', 'gain', 'offset (LSB)', 'at 0', 'ideal at 0', 'at top', 'ideal at top'],
            columns.map((col) => [
              col.column,
              col.output,
              col.weightBit,
              col.count,
              col.meanLsb,
              col.sdLsb,
              col.gain,
              col.offsetLsb,
              col.zeroFraction,
              col.idealZeroFraction,
              col.topFraction,
              col.idealTopFraction,
            ]),
          ),
        ) +
        details(
          'every plane',
          table(
            ['plane', 'input bit', 'weight bit', 'conversions', 'mean (LSB)', 'sd (LSB)', 'min', 'max'],
            c.planes.map((p) => [p.plane, p.inputBit, p.weightBit, p.count, p.meanLsb, p.sdLsb, p.minLsb, p.maxLsb]),
          ),
        ),
    },
    {
      title: 'Saliency levels',
      html:
        plots(
          heatmap({
            title: `Levels: the die's against the model's (agreement ${formatNumber(c.levels.agreement * 100, 4)} %)`,
            rowLabel: "the die's level",
            columnLabel: "the model's level",
            labels: levelLabels(c.levels.levels),
            cells: c.levels.confusion,
          }),
        ) +
        table(
          ['level', 'MACs (model)', 'MACs (die)', 'SNR measured (dB)', 'SNR model (dB)'],
          c.levels.perLevel.map((l) => [l.level, l.modelMacs, l.measuredMacs, dB(l.measuredSnrDb), dB(l.modelSnrDb)]),
        ),
    },
    {
      title: 'Energy',
      html:
        table(
          ['rail', 'measured (pJ)', 'model (pJ)', 'measured (pJ/MAC)', 'model (pJ/MAC)', 'measured / model'],
          c.energy.rails.map((r) => [r.rail, r.measuredPj, r.modelPj, r.measuredPjPerMac, r.modelPjPerMac, r.ratio]),
        ) +
        keyValues([
          ['burst time (us)', c.energy.burstUs],
          ['measured pJ/MAC', c.energy.measuredPjPerMac],
          ['model pJ/MAC', c.energy.modelPjPerMac],
        ]),
    },
    {
      title: `Outliers (${c.outliers.length})`,
      html: table(
        ['vector', 'output', 'block', 'repeat', 'yhat', 'model yhat', 'exact', 'residual', 'z'],
        c.outliers.map((o) => [o.vector, o.output, o.block, o.repeat, o.yhat, o.modelYhat, o.exact, o.residual, o.z]),
      ),
    },
    ...provenanceOf(store, c.run.runId, `Provenance of run ${c.run.runId}`),
    { title: 'The comparison (JSON)', html: details('every number above, as the API answers it', json(c)) },
  ];
}

const statRow = (name: string, s: RunsComparison['deltas']['snrDb'], unit: string) => [name, s.n, s.mean, s.ci95Lo, s.ci95Hi, s.t, unit];

function runsSections(store: RunStore, c: RunsComparison): Section[] {
  const { a, b } = c;
  const fig = (k: keyof RunsComparison['figures']['a']) => [c.figures.a[k], c.figures.b[k]] as const;
  const figureRows: [string, readonly [number | null, number | null], string][] = [
    ['SNR, measured', fig('snrDb'), 'dB'],
    ['SNR, model', fig('modelSnrDb'), 'dB'],
    ['level agreement', fig('levelAgreement'), ''],
    ['digital mismatches', fig('digitalMismatches'), ''],
    ['code residual, mean', fig('codeResidualMeanLsb'), 'LSB'],
    ['code residual, rms', fig('codeResidualRmsLsb'), 'LSB'],
    ['energy per MAC, measured', fig('measuredPjPerMac'), 'pJ'],
    ['gain against dcim, measured', fig('gainVsDcim'), ''],
    ['die temperature (last block)', fig('dieTempC'), 'degC'],
    ['MACs', fig('macs'), ''],
  ];
  const snr = (name: string, v: number | null) => (name.startsWith('SNR') ? dB(v) : v);
  const colX = c.columns.map((col) => col.column);
  const who = (r: RunsComparison['a']) => `run ${r.runId}${r.label ? ` (${r.label})` : ''}, die ${r.dieId ?? '-'}`;
  return [
    {
      title: 'The runs',
      html:
        table(
          ['', 'run', 'guid', 'label', 'die', 'mode', 'vectors', 'repeat'],
          [
            ['A', a.runId, a.guid, a.label, a.dieId, a.mode, a.vectors, a.repeat],
            ['B', b.runId, b.guid, b.label, b.dieId, b.mode, b.vectors, b.repeat],
          ],
        ) +
        keyValues([
          ['vector set (both)', a.vectorSet],
          ['weight set (both)', a.weightSet],
          ['vectors compared', c.vectors],
          ['segments (where both runs end a block)', c.segments],
        ]),
    },
    {
      title: 'Figures over the vectors both ran',
      html: table(
        ['figure', `A: ${who(a)}`, `B: ${who(b)}`, 'unit'],
        figureRows.map(([name, [va, vb], unit]) => [name, snr(name, va), snr(name, vb), unit]),
      ),
    },
    {
      title: 'Differences, B - A, segment by segment',
      html:
        table(
          ['figure', 'segments', 'mean', '95 % from', '95 % to', 't', 'unit'],
          [
            statRow('SNR, measured', c.deltas.snrDb, 'dB'),
            statRow('SNR, model', c.deltas.modelSnrDb, 'dB'),
            statRow('energy per MAC, measured', c.deltas.measuredPjPerMac, 'pJ'),
            statRow('code residual, mean', c.deltas.codeResidualMeanLsb, 'LSB'),
            statRow('code residual, rms', c.deltas.codeResidualRmsLsb, 'LSB'),
            statRow('level agreement', c.deltas.levelAgreement, ''),
            ...c.rails.map((r) => statRow(`${r.rail} energy per MAC`, r.delta, 'pJ')),
          ],
        ) +
        table(
          ['rail', 'A (pJ/MAC)', 'B (pJ/MAC)'],
          c.rails.map((r) => [r.rail, r.aPjPerMac, r.bPjPerMac]),
        ),
    },
    {
      title: 'MAC by MAC',
      html:
        plots(
          histogram({ title: 'yhat of B - yhat of A', xLabel: 'x*w', bins: binsOf(c.yhatDifference) }),
          heatmap({
            title: `Levels: B's against A's (${formatNumber(c.levels.same)} of ${formatNumber(c.levels.macs)} the same)`,
            rowLabel: "run B's level",
            columnLabel: "run A's level",
            labels: levelLabels(c.levels.confusion.length),
            cells: c.levels.confusion,
          }),
          xyPlot({
            title: 'Code of B - code of A per ADC column',
            xLabel: 'column m * BW + j',
            yLabel: "LSB (A's)",
            series: [
              { name: 'mean', x: colX, y: c.columns.map((col) => col.meanDeltaLsb), style: 'line+dots' },
              { name: 'sd', x: colX, y: c.columns.map((col) => col.sdDeltaLsb), style: 'line+dots' },
            ],
          }),
        ) +
        histogramNote(c.yhatDifference, 'x*w') +
        details(
          'every column',
          table(
            ['column', 'output', 'weight bit', 'conversions', 'mean (LSB)', 'sd (LSB)'],
            c.columns.map((col) => [col.column, col.output, col.weightBit, col.count, col.meanDeltaLsb, col.sdDeltaLsb]),
          ),
        ),
    },
    ...provenanceOf(store, a.runId, `Provenance of run A (${a.runId})`),
    ...provenanceOf(store, b.runId, `Provenance of run B (${b.runId})`),
    { title: 'The comparison (JSON)', html: details('every number above, as the API answers it', json(c)) },
  ];
}

/** The report of run `refA` against the model, or (with `refB`) against run `refB`, as one HTML document. */
export async function renderComparisonReport(
  store: RunStore,
  refA: string | number,
  refB?: string | number | null,
  options: ComparisonReportOptions = {},
): Promise<ComparisonReport> {
  const rowA = store.getRun(refA);
  if (!rowA) throw new FieldError('run', `no run '${refA}' in ${store.path} (give its number or at least 6 characters of its GUID)`);
  const now = (options.now ?? (() => new Date()))();
  if (refB === undefined || refB === null) {
    const c = await compareRun(store, refA);
    const head = runHead(rowA, 'Run') + `<div class="sub">against the model: ${c.findings.length} finding${c.findings.length === 1 ? '' : 's'}</div>`;
    const html = page(`Run ${rowA.id} against the model · OSA-Bench`, head, runSections(store, c), now, store);
    return { html, kind: 'run', runId: rowA.id, withRunId: null, findings: c.findings.length };
  }
  const c = await compareRuns(store, refA, refB);
  const rowB = store.getRun(c.b.runId);
  const head = runHead(rowA, 'Run') + `<div class="sub">against run ${c.b.runId}${rowB ? ` (${rowB.guid})` : ''}, over the ${c.vectors} vectors both ran</div>`;
  const html = page(`Run ${rowA.id} against run ${c.b.runId} · OSA-Bench`, head, runsSections(store, c), now, store);
  return { html, kind: 'runs', runId: rowA.id, withRunId: c.b.runId, findings: 0 };
}

/** Write the comparison report to `out` (in place once complete). */
export async function writeComparisonReport(
  store: RunStore,
  refA: string | number,
  refB: string | number | null | undefined,
  out: string,
  options: ComparisonReportOptions = {},
): Promise<{ file: string; bytes: number; kind: 'run' | 'runs'; runId: number; withRunId: number | null; findings: number }> {
  const { html, ...report } = await renderComparisonReport(store, refA, refB, options);
  const sink = await fileSink(out);
  try {
    await sink.write(html);
    await sink.commit();
  } catch (e) {
    await sink.discard();
    throw e;
  }
  return { file: sink.path, bytes: sink.bytes, ...report };
}
