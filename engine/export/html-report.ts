// A self-contained HTML report of a logged run or a procedure: one file that opens offline and can
// be mailed (inline CSS, plots as inline SVG drawn by svg-plot.ts, no script: its Content Security
// Policy forbids any). A run's report shows its figures, configuration and provenance manifest,
// measured yhat against the model's (decimated), the residual histogram, SNR and rail power per
// block over the run; a procedure's report its main curve, its steps and their figures. Every
// text from the store (labels, notes, tags, die ids) is escaped (docs/export.md).
import { FIGURE_UNITS } from '../../shared/api/documents';
import { procedureSummarySchemas } from '../../shared/api/procedure-reports';
import type { ProcedureName } from '../../shared/api/run-options';
import { FieldError } from '../../shared/api/run-options';
import { burstEnergyPj, RunFiguresAccumulator, type RunFigures } from '../../shared/analysis/run-figures';
import { snrDb } from '../../shared/analysis/summary';
import { parseDieProfile } from '../../shared/model/profile';
import type { BlockSummaryRecord, RunRow, RunStore } from '../store/run-store';
import { appVersionOf } from './app-version';
import { fileSink } from './byte-sink';
import { exportBlocks, type ExportRun } from './export-source';
import { escapeHtml, formatNumber } from './html-text';
import { barChart, emptyPlot, Histogram, histogram, xyPlot, type Series } from './svg-plot';

export interface ReportOptions {
  readonly now?: () => Date;
  /** at most this many points in the measured-against-model scatter */
  readonly scatterPoints?: number;
}

const SCATTER_POINTS = 2000;
const HISTOGRAM_BINS = 61;

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;max-width:1340px;margin:24px auto;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#555}.state-completed{color:#1a7f37}.state-failed,.state-interrupted,.state-aborted{color:#b42318}
table{border-collapse:collapse;margin:6px 0}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f5f5f5;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
.plots{display:grid;grid-template-columns:repeat(auto-fill,minmax(640px,1fr));gap:12px}
svg{max-width:100%;height:auto;border:1px solid #eee}svg .title{font-size:14px;font-weight:600}svg .tick{font-size:11px;fill:#444}
svg .label{font-size:12px;fill:#222}svg .grid{stroke:#eee}svg .axis{stroke:#888}svg .ref{stroke:#aaa;stroke-dasharray:4 3}
pre{background:#f7f7f7;border:1px solid #e5e5e5;padding:8px;overflow:auto;max-height:480px;font-size:12px}
details{margin:6px 0}footer{margin-top:32px;color:#777;font-size:12px}.tag{background:#eef;border-radius:3px;padding:0 5px;margin-right:4px}
`;

export interface Section {
  readonly title: string;
  readonly html: string;
}

const h = escapeHtml;

export function table(head: readonly string[], rows: readonly (readonly (string | number | null)[])[], numeric: ReadonlySet<number> = new Set()): string {
  const cell = (v: string | number | null, k: number) =>
    `<td${numeric.has(k) || typeof v === 'number' ? ' class="n"' : ''}>${typeof v === 'number' ? h(formatNumber(v)) : h(v ?? '-')}</td>`;
  return `<table><thead><tr>${head.map((c) => `<th>${h(c)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table>`;
}

/** A value of the store's JSON as text: numbers for people, objects as JSON. */
function valueText(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean' || typeof v === 'bigint') return v.toString();
  return JSON.stringify(v) ?? '-';
}

export function keyValues(pairs: readonly [string, unknown][]): string {
  return `<table><tbody>${pairs.map(([k, v]) => `<tr><th>${h(k)}</th><td>${h(valueText(v))}</td></tr>`).join('')}</tbody></table>`;
}

export const json = (v: unknown) => `<pre>${h(JSON.stringify(v, null, 2))}</pre>`;
/** A dB figure for a table: null is an infinite SNR (no error at all). */
export const dB = (v: number | null | undefined): number | string => (v === null || v === undefined ? 'inf' : v);
export const details = (summary: string, body: string) => `<details><summary>${h(summary)}</summary>${body}</details>`;

export function page(title: string, head: string, sections: readonly Section[], now: Date, store: RunStore): string {
  const csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${h(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${h(title)}</title><style>${CSS}</style></head><body>`,
    head,
    ...sections.map((s) => `<section><h2>${h(s.title)}</h2>${s.html}</section>`),
    `<footer>Written by ${h(appVersionOf())} at ${h(now.toISOString())} from ${h(store.path)}. Plots are drawn from the stored blocks; measured and model values as in docs/export.md.</footer>`,
    '</body></html>\n',
  ].join('\n');
}

export function runHead(row: RunRow, what: string): string {
  const tags = row.tags.map((t) => `<span class="tag">${h(t)}</span>`).join('');
  return [
    `<h1>${h(what)} ${h(row.id)}${row.label && row.label !== row.kind ? ` · ${h(row.label)}` : ''}</h1>`,
    `<div class="sub">${h(row.guid)} · ${h(row.kind)} · <span class="state-${h(row.state)}">${h(row.state)}</span>${row.stateReason ? ` (${h(row.stateReason)})` : ''} · mode ${h(row.mode ?? '-')} · started ${h(row.startedAt)}${row.endedAt ? ` · ended ${h(row.endedAt)}` : ''}</div>`,
    tags ? `<div>${tags}</div>` : '',
  ].join('\n');
}

/** The provenance manifest as a table of what people look for, and the whole of it below. */
export function provenanceSection(p: Record<string, unknown>): Section {
  const get = (path: string): unknown => path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), p);
  /** a scalar of the manifest as text; an object (never expected here) as JSON */
  const text = (path: string): string | undefined => {
    const v = get(path);
    return v === undefined || v === null ? undefined : valueText(v);
  };
  const pairs: [string, unknown][] = [
    ['app', [text('app.name'), text('app.version')].filter((v) => v !== undefined).join(' ') || undefined],
    ['git commit', get('app.gitCommit')],
    ['model sources', get('model.sourceHash')],
    ['die id', get('dieId')],
    ['board', [text('board.vendor'), text('board.serial')].filter((v) => v !== undefined).join(' ') || undefined],
    ['firmware', get('board.firmware')],
    ['bitstream', get('board.bitstream')],
    ['protocol', get('board.protocol')],
    ['vector set', get('vectorSet')],
    ['weight set', get('weightSet')],
    ['stimulus', get('stimulus')],
    ['calibration', get('calibration')],
    ['host', get('host')],
  ];
  return { title: 'Provenance', html: keyValues(pairs.filter(([, v]) => v !== undefined)) + details('the whole manifest (JSON)', json(p)) };
}

export function figuresTable(f: RunFigures): string {
  const unit = (k: string) => FIGURE_UNITS[k] ?? '';
  const rows: [string, number | null, string][] = [
    ['SNR, measured', f.snrDb, unit('snrDb')],
    ['SNR, model', f.modelSnrDb, unit('modelSnrDb')],
    ['level agreement', f.levelAgreement, ''],
    ['digital mismatches', f.digitalMismatches, ''],
    ['code residual, mean', f.codeResidualMeanLsb, unit('codeResidualMeanLsb')],
    ['code residual, rms', f.codeResidualRmsLsb, unit('codeResidualRmsLsb')],
    ['energy per MAC, measured', f.measuredPjPerMac, unit('measuredPjPerMac')],
    ['energy per MAC, model', f.modelPjPerMac, unit('modelPjPerMac')],
    ['gain against dcim, measured', f.gainVsDcim, ''],
    ['gain against dcim, model', f.modelGainVsDcim, ''],
    ['die temperature (last block)', f.dieTempC, unit('dieTempC')],
    ['MACs', f.macs, ''],
  ];
  return table(
    ['figure', 'value', 'unit'],
    rows.map(([name, v, u]) => [name, name.startsWith('SNR') ? dB(v) : v, u]),
  );
}

function notesAndEvents(store: RunStore, runId: number): Section[] {
  const notes = store.notes(runId);
  const events = store.events(runId);
  const out: Section[] = [];
  if (notes.length > 0)
    out.push({
      title: 'Notes',
      html: table(
        ['at', 'note'],
        notes.map((n) => [n.at, n.text]),
      ),
    });
  if (events.length > 0)
    out.push({
      title: 'Events',
      html: table(
        ['at', 'event', 'detail'],
        events.map((e) => [e.at, e.kind, e.detail]),
      ),
    });
  return out;
}

/** The figures of a run from its block summaries: the same numbers the run reported, for runs that never ended too. */
function figuresOf(row: RunRow, blocks: readonly BlockSummaryRecord[]): RunFigures {
  const acc = new RunFiguresAccumulator(parseDieProfile((row.config as { profile?: unknown }).profile ?? {}, `run ${row.id}'s stored profile`));
  for (const b of blocks) acc.add(b.summary, burstEnergyPj(b.power), b.power.dieTempC);
  return acc.figures();
}

function runSections(store: RunStore, row: RunRow, options: ReportOptions): Section[] {
  const blocks = store.blockSummaries(row.id);
  const figures = figuresOf(row, blocks);
  const profile = parseDieProfile((row.config as { profile?: unknown }).profile ?? {}, `run ${row.id}'s stored profile`);
  const run: ExportRun = { row, dieId: '', profile, parentGuid: null };

  // one pass over the blocks: a decimated scatter and the residual histogram over every MAC
  const macs = blocks.reduce((n, b) => n + b.summary.macs, 0);
  const stride = Math.max(1, Math.ceil(macs / (options.scatterPoints ?? SCATTER_POINTS)));
  const lo = Math.min(...blocks.map((b) => b.summary.yhatResidualMin).filter(Number.isFinite));
  const hi = Math.max(...blocks.map((b) => b.summary.yhatResidualMax).filter(Number.isFinite));
  const residuals = new Histogram(Number.isFinite(lo) ? lo : 0, Number.isFinite(hi) ? hi : 1, HISTOGRAM_BINS);
  const sx: number[] = [];
  const sy: number[] = [];
  let seen = 0;
  for (const b of exportBlocks(store, run)) {
    for (let i = 0; i < b.yhat.length; i++, seen++) {
      const y = b.yhat[i] as number;
      const m = b.modelYhat[i] as number;
      residuals.add(y - m);
      if (seen % stride === 0) {
        sx.push(m);
        sy.push(y);
      }
    }
  }

  const x = blocks.map((b) => b.firstVector + b.vectors / 2);
  const blockSnr: Series[] = [
    { name: 'measured', x, y: blocks.map((b) => snrDb(b.summary.signalSq, b.summary.errorSq)), style: 'line+dots' },
    { name: 'model', x, y: blocks.map((b) => snrDb(b.summary.signalSq, b.summary.modelErrorSq)), style: 'line+dots' },
  ];
  const rails: Series[] = [
    { name: 'VDD_DIG', x, y: blocks.map((b) => b.power.vddDigMw), style: 'line+dots' },
    { name: 'VDD_ANA', x, y: blocks.map((b) => b.power.vddAnaMw), style: 'line+dots' },
    { name: 'VDD_SRAM', x, y: blocks.map((b) => b.power.vddSramMw), style: 'line+dots' },
  ];
  const plots = [
    macs > 0
      ? xyPlot({
          title: `Measured against model yhat (${sx.length} of ${macs} MACs)`,
          xLabel: 'model yhat (x*w)',
          yLabel: 'measured yhat (x*w)',
          series: [{ name: 'MAC', x: sx, y: sy, style: 'dots' }],
          diagonal: true,
        })
      : emptyPlot('Measured against model yhat', 'no committed block'),
    macs > 0
      ? histogram({ title: 'Residual, measured - model yhat', xLabel: 'yhat - model yhat (x*w)', bins: residuals.bins() })
      : emptyPlot('Residual', 'no committed block'),
    xyPlot({ title: 'SNR per block over the run', xLabel: 'vector (block middle)', yLabel: 'SNR (dB)', series: blockSnr }),
    xyPlot({ title: 'Rail power per block over the run', xLabel: 'vector (block middle)', yLabel: 'power (mW)', series: rails }),
  ];

  const { profile: storedProfile, ...mode } = row.config;
  const configHtml = keyValues(Object.entries(mode)) + (storedProfile === undefined ? '' : details('die profile (JSON)', json(storedProfile)));
  const blockRows = blocks.map((b) => [
    b.block,
    b.firstVector,
    b.vectors,
    dB(snrDb(b.summary.signalSq, b.summary.errorSq)),
    dB(snrDb(b.summary.signalSq, b.summary.modelErrorSq)),
    b.summary.digitalMismatches,
    b.power.vddDigMw,
    b.power.vddAnaMw,
    b.power.dieTempC,
  ]);
  return [
    {
      title: 'Figures',
      html:
        figuresTable(figures) +
        `<p class="sub">${h(row.vectorsDone)} of ${h(row.vectorsTotal)} vectors committed in ${h(blocks.length)} blocks, repeat ${h(row.repeat)}.</p>`,
    },
    { title: 'Plots', html: `<div class="plots">${plots.join('\n')}</div>` },
    { title: 'Configuration', html: configHtml },
    provenanceSection(row.provenance),
    {
      title: 'Blocks',
      html: details(
        `${blocks.length} blocks`,
        table(['block', 'first vector', 'vectors', 'SNR (dB)', 'model SNR (dB)', 'digital mismatches', 'VDD_DIG (mW)', 'VDD_ANA (mW)', 'die (degC)'], blockRows),
      ),
    },
    ...notesAndEvents(store, row.id),
  ];
}

/** A procedure's main curve and the table of its points, from its stored report (null when it did not finish). */
function procedureCurve(kind: string, summary: Record<string, unknown> | null): { plots: string[]; tables: string } | null {
  if (!summary || !(kind in procedureSummarySchemas)) return null;
  const parsed = procedureSummarySchemas[kind as ProcedureName].safeParse(summary);
  if (!parsed.success) return null;
  const s = parsed.data;
  switch (kind as ProcedureName) {
    case 'snr-sweep': {
      const { points } = s as { points: { boundary: number; snrDb: number | null; modelSnrDb: number | null; measuredPjPerMac: number; runId: number }[] };
      const x = points.map((p) => p.boundary);
      return {
        plots: [
          xyPlot({
            title: 'SNR against the boundary (hcim)',
            xLabel: 'boundary b',
            yLabel: 'SNR (dB)',
            series: [
              { name: 'measured', x, y: points.map((p) => p.snrDb), style: 'line+dots' },
              { name: 'model', x, y: points.map((p) => p.modelSnrDb), style: 'line+dots' },
            ],
          }),
          xyPlot({
            title: 'Energy per MAC against the boundary',
            xLabel: 'boundary b',
            yLabel: 'pJ per MAC',
            series: [{ name: 'measured', x, y: points.map((p) => p.measuredPjPerMac), style: 'line+dots' }],
          }),
        ],
        tables: table(
          ['boundary', 'SNR (dB)', 'model SNR (dB)', 'pJ/MAC', 'run'],
          points.map((p) => [p.boundary, dB(p.snrDb), dB(p.modelSnrDb), p.measuredPjPerMac, p.runId]),
        ),
      };
    }
    case 'power-per-mode': {
      const { points } = s as {
        points: { mode: string; measuredPjPerMac: number; modelPjPerMac: number; topsPerWatt: number; modelTopsPerWatt: number; runId: number }[];
      };
      return {
        plots: [
          barChart({
            title: 'Energy per MAC by mode',
            yLabel: 'pJ per MAC',
            labels: points.map((p) => p.mode),
            series: [
              { name: 'measured', values: points.map((p) => p.measuredPjPerMac) },
              { name: 'model', values: points.map((p) => p.modelPjPerMac) },
            ],
          }),
        ],
        tables: table(
          ['mode', 'pJ/MAC', 'model pJ/MAC', 'TOPS/W', 'model TOPS/W', 'run'],
          points.map((p) => [p.mode, p.measuredPjPerMac, p.modelPjPerMac, p.topsPerWatt, p.modelTopsPerWatt, p.runId]),
        ),
      };
    }
    case 'osa-points': {
      const { points } = s as { points: { offset: number; snrDb: number | null; gainVsDcim: number; modelGainVsDcim: number; pareto: boolean; runId: number }[] };
      const front = points.filter((p) => p.pareto);
      const rest = points.filter((p) => !p.pareto);
      return {
        plots: [
          xyPlot({
            title: 'OSA operating points: gain against SNR',
            xLabel: 'SNR (dB)',
            yLabel: 'energy gain against dcim',
            series: [
              { name: 'Pareto front', x: front.map((p) => p.snrDb ?? NaN), y: front.map((p) => p.gainVsDcim), style: 'line+dots' },
              { name: 'other points', x: rest.map((p) => p.snrDb ?? NaN), y: rest.map((p) => p.gainVsDcim), style: 'dots' },
            ],
          }),
        ],
        tables: table(
          ['threshold offset', 'SNR (dB)', 'gain', 'model gain', 'Pareto', 'run'],
          points.map((p) => [p.offset, dB(p.snrDb), p.gainVsDcim, p.modelGainVsDcim, p.pareto ? 'yes' : 'no', p.runId]),
        ),
      };
    }
    case 'adc-transfer': {
      const a = s as { columns: { column: number; gain: number; offsetLsb: number; noiseLsb: number; maxDnlLsb: number; maxInlLsb: number }[]; calibrationId: number };
      const x = a.columns.map((c) => c.column);
      return {
        plots: [
          xyPlot({
            title: 'ADC gain per column',
            xLabel: 'column m*BW + j',
            yLabel: 'gain',
            series: [{ name: 'gain', x, y: a.columns.map((c) => c.gain), style: 'line+dots' }],
          }),
          xyPlot({
            title: 'ADC offset and noise per column',
            xLabel: 'column m*BW + j',
            yLabel: 'LSB',
            series: [
              { name: 'offset', x, y: a.columns.map((c) => c.offsetLsb), style: 'line+dots' },
              { name: 'noise', x, y: a.columns.map((c) => c.noiseLsb), style: 'line+dots' },
            ],
          }),
        ],
        tables:
          `<p>Calibration record ${h(a.calibrationId)}.</p>` +
          details(
            `${a.columns.length} columns`,
            table(
              ['column', 'gain', 'offset (LSB)', 'noise (LSB)', 'max DNL (LSB)', 'max INL (LSB)'],
              a.columns.map((c) => [c.column, c.gain, c.offsetLsb, c.noiseLsb, c.maxDnlLsb, c.maxInlLsb]),
            ),
          ),
      };
    }
    case 'repeatability': {
      const r = s as { dies: { dieId: string; runs: { runId: number; snrDb: number | null; measuredPjPerMac: number }[] }[] };
      return {
        plots: [
          xyPlot({
            title: 'SNR run by run, per die',
            xLabel: 'run of the die',
            yLabel: 'SNR (dB)',
            series: r.dies.map((d) => ({ name: d.dieId, x: d.runs.map((_, i) => i + 1), y: d.runs.map((x) => x.snrDb), style: 'line+dots' as const })),
          }),
        ],
        tables: table(
          ['die', 'run', 'SNR (dB)', 'pJ/MAC'],
          r.dies.flatMap((d) => d.runs.map((x) => [d.dieId, x.runId, dB(x.snrDb), x.measuredPjPerMac])),
        ),
      };
    }
    case 'functional': {
      const f = s as { steps: { step: string; vectors: number; digitalMismatches: number; runId: number }[] };
      return {
        plots: [
          barChart({
            title: 'Digital mismatches per stimulus',
            yLabel: 'MACs',
            labels: f.steps.map((x) => x.step),
            series: [{ name: 'mismatches', values: f.steps.map((x) => x.digitalMismatches) }],
          }),
        ],
        tables: table(
          ['step', 'vectors', 'digital mismatches', 'run'],
          f.steps.map((x) => [x.step, x.vectors, x.digitalMismatches, x.runId]),
        ),
      };
    }
    case 'march': {
      const m = s as { cells: number; backgrounds: { background: string; bitsWrong: number }[]; stuckCells: { row: number; column: number; stuckAt: number }[] };
      return {
        plots: [
          barChart({
            title: `Bits wrong per background (${m.cells} cells)`,
            yLabel: 'bits',
            labels: m.backgrounds.map((b) => b.background),
            series: [{ name: 'bits wrong', values: m.backgrounds.map((b) => b.bitsWrong) }],
          }),
        ],
        tables: table(
          ['row', 'column', 'stuck at'],
          m.stuckCells.map((c) => [c.row, c.column, c.stuckAt]),
        ),
      };
    }
  }
}

function procedureSections(store: RunStore, row: RunRow): Section[] {
  const steps = store.childRuns(row.id);
  const figures = steps.map((c) => ({ row: c, figures: c.vectorSet ? figuresOf(c, store.blockSummaries(c.id)) : null }));
  const curve = procedureCurve(row.kind, row.summary);
  const passed = row.summary?.passed;
  const result = [
    passed === true ? '<p class="state-completed">Passed its criterion.</p>' : passed === false ? '<p class="state-failed">Failed its criterion.</p>' : '',
    curve
      ? `<div class="plots">${curve.plots.join('\n')}</div>${curve.tables}`
      : `<p>No report: the procedure ${h(row.state)}${row.stateReason ? ` (${h(row.stateReason)})` : ''}. Its steps so far are below.</p>` +
        `<div class="plots">${xyPlot({ title: 'SNR per step', xLabel: 'step', yLabel: 'SNR (dB)', series: [{ name: 'measured', x: figures.map((_, i) => i + 1), y: figures.map((f) => f.figures?.snrDb ?? null), style: 'line+dots' }] })}</div>`,
  ].join('');
  const stepRows = figures.map(({ row: c, figures: f }) => [
    c.id,
    c.guid.slice(0, 8),
    c.label,
    c.state,
    c.mode,
    (c.provenance as { dieId?: string }).dieId ?? null,
    c.vectorsDone,
    f ? dB(f.snrDb) : null,
    f ? dB(f.modelSnrDb) : null,
    f?.measuredPjPerMac ?? null,
  ]);
  const first = steps.find((c) => c.vectorSet);
  return [
    { title: 'Result', html: result },
    { title: 'Steps', html: table(['run', 'guid', 'step', 'state', 'mode', 'die', 'vectors', 'SNR (dB)', 'model SNR (dB)', 'pJ/MAC'], stepRows) },
    { title: 'Parameters', html: keyValues(Object.entries(row.config)) },
    ...(first ? [{ ...provenanceSection(first.provenance), title: `Provenance (of its first step, run ${first.id})` }] : []),
    ...notesAndEvents(store, row.id),
  ];
}

/** The report of run `ref` (a measured run, or a procedure's parent) as one HTML document. */
export function renderReport(store: RunStore, ref: string | number, options: ReportOptions = {}): { html: string; kind: 'run' | 'procedure'; runId: number } {
  const row = store.getRun(ref);
  if (!row) throw new FieldError('run', `no run '${ref}' in ${store.path} (give its number or at least 6 characters of its GUID)`);
  const now = (options.now ?? (() => new Date()))();
  if (row.vectorSet) {
    const html = page(`Run ${row.id}${row.label ? ` · ${row.label}` : ''} · OSA-Bench`, runHead(row, 'Run'), runSections(store, row, options), now, store);
    return { html, kind: 'run', runId: row.id };
  }
  const html = page(`${row.kind} ${row.id} · OSA-Bench`, runHead(row, `Procedure ${row.kind}, run`), procedureSections(store, row), now, store);
  return { html, kind: 'procedure', runId: row.id };
}

/** Write the report of run `ref` to `out` (in place once complete). */
export async function writeReport(
  store: RunStore,
  ref: string | number,
  out: string,
  options: ReportOptions = {},
): Promise<{ file: string; bytes: number; kind: 'run' | 'procedure'; runId: number }> {
  const report = renderReport(store, ref, options);
  const sink = await fileSink(out);
  try {
    await sink.write(report.html);
    await sink.commit();
  } catch (e) {
    await sink.discard();
    throw e;
  }
  return { file: sink.path, bytes: sink.bytes, kind: report.kind, runId: report.runId };
}
