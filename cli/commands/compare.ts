// osa-bench compare RUN [--with RUN2]: a logged run against the model (residuals, columns,
// levels, energy, outliers and findings), or against another run over the same stimulus (paired
// deltas). The engine computes a typed result (shared/api/compare.ts); this file only formats it.
// docs/replay-compare.md says what each figure and finding means.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { defaultDatabasePath } from '../../engine/store/default-path';
import type { Finding, RunComparison, RunsComparison } from '../../shared/api/compare';
import { writeChunk, type CliIo } from '../io';
import { integerIn } from '../options';

interface CompareCommandOptions {
  db?: string;
  with?: string;
  json?: boolean;
  scanVectors?: number;
  outliers?: number;
}

export function addCompareCommand(program: Command, io: CliIo): void {
  program
    .command('compare <run>')
    .description('compare a logged run with the model (residuals, ADC columns, levels, energy, outliers, findings), or --with another run over the same stimulus')
    .option('--with <run>', 'compare with this run instead, vector by vector (the same stimulus and weights)')
    .option('--db <file>', `SQLite store (default ${defaultDatabasePath()})`)
    .option('--scan-vectors <n>', 'vectors the stuck-cell scan reads, spread over the run (default 4096)', integerIn(1, 10_000_000))
    .option('--outliers <n>', 'outliers listed (default 20)', integerIn(0, 10_000))
    .option('--json', 'one JSON object (shared/api/compare.ts)')
    .action(async (ref: string, o: CompareCommandOptions) => {
      const path = o.db ?? defaultDatabasePath();
      const [{ storeWritable }, { openRunStore }, { compareRun }, { compareRuns }] = await Promise.all([
        import('../../engine/store/open-store'),
        import('../../engine/store/store'),
        import('../../engine/compare/compare-run'),
        import('../../engine/compare/compare-runs'),
      ]);
      if (!existsSync(path)) throw new Error(`no store at ${path}`);
      const { store } = openRunStore(path, { readonly: !storeWritable(path) });
      try {
        const result = o.with === undefined ? await compareRun(store, ref, { scanVectors: o.scanVectors, outliers: o.outliers }) : await compareRuns(store, ref, o.with);
        if (o.json) return await writeChunk(io.stdout, `${JSON.stringify(result)}\n`);
        await writeChunk(io.stdout, result.kind === 'run' ? formatRun(result) : formatRuns(result));
      } finally {
        store.close();
      }
    });
}

const db = (v: number | null) => (v === null ? 'inf' : `${v.toFixed(2)} dB`);
const num = (v: number | null, digits = 3) => (v === null ? '-' : v.toFixed(digits));
const pct = (v: number) => `${(100 * v).toFixed(2)} %`;

function runName(r: RunComparison['run']): string {
  return `run ${r.runId} (${r.guid.slice(0, 8)}${r.label ? `, ${r.label}` : ''}${r.kind !== 'run' ? `, ${r.kind} of run ${r.parentId ?? '?'}` : ''})`;
}

export function formatRun(c: RunComparison): string {
  const f = c.figures;
  const g = c.geometry;
  const lines: string[] = [];
  lines.push(
    `${runName(c.run)}: ${c.config.mode}${c.config.boundary !== null ? ` b=${c.config.boundary} t=${c.config.skip ?? 0}` : ''}, ${c.run.vectors} vectors, ${c.macs} MACs${c.run.dieId ? `, die ${c.run.dieId}` : ''}`,
  );
  lines.push(`  SNR measured ${db(f.snrDb)}, model ${db(f.modelSnrDb)}; level agreement ${pct(f.levelAgreement)}; digital mismatches ${f.digitalMismatches}`);
  lines.push(
    `  yhat - model yhat: mean ${num(c.yhatResidual.mean, 2)}, sd ${num(c.yhatResidual.sd, 2)}; yhat - exact: sd ${num(c.yhatError.sd, 2)} (model ${num(c.modelYhatError.sd, 2)})`,
  );
  lines.push(
    `  ADC code residual: mean ${num(c.codeResidual.mean)} LSB, sd ${num(c.codeResidual.sd)} LSB over ${c.codeResidual.total} conversions (${g.adcBits}-bit model${g.measuredAdcBits !== g.adcBits ? `, codes measured at ${g.measuredAdcBits} bits` : ''})`,
  );
  lines.push(
    `  energy: ${c.energy.rails.map((r) => `${r.rail} ${r.measuredPjPerMac.toFixed(3)} pJ/MAC${r.modelPjPerMac === null ? ' (no model)' : ` (model ${r.modelPjPerMac.toFixed(3)}, x${num(r.ratio)})`}`).join(', ')}`,
  );
  if (c.levels.levels > 1) {
    lines.push('  level  model MACs  die MACs  SNR die     SNR model');
    for (const l of c.levels.perLevel)
      lines.push(
        `  ${String(l.level).padStart(5)}  ${String(l.modelMacs).padStart(10)}  ${String(l.measuredMacs).padStart(8)}  ${db(l.measuredSnrDb).padStart(10)}  ${db(l.modelSnrDb).padStart(10)}`,
      );
    lines.push(`  level confusion (rows: the die's level, columns: the model's): ${c.levels.confusion.map((row) => row.join(' ')).join(' | ')}`);
  }
  lines.push(`  mean code residual per ADC column, LSB (rows: output m, columns: weight bit j):`);
  const bw = g.weightBits;
  lines.push(`        ${Array.from({ length: bw }, (_, j) => `j=${j}`.padStart(7)).join('')}`);
  for (let m = 0; m < g.outputs; m++) {
    const row = c.columns.slice(m * bw, (m + 1) * bw).map((col) => (col.count > 0 ? col.meanLsb.toFixed(3) : '-').padStart(7));
    lines.push(`  m=${String(m).padEnd(3)} ${row.join('')}`);
  }
  lines.push(`  stuck-cell scan: ${c.scan.vectors} vectors in ${c.scan.blocks} blocks`);
  lines.push(c.findings.length === 0 ? '  findings: none' : `  findings (${c.findings.length}):`);
  for (const finding of c.findings) lines.push(`    ${formatFinding(finding)}`);
  if (c.outliers.length > 0) {
    lines.push(`  largest |yhat - model yhat| (${Math.min(5, c.outliers.length)} of ${c.outliers.length}):`);
    for (const o of c.outliers.slice(0, 5))
      lines.push(
        `    vector ${o.vector}, output ${o.output} (block ${o.block}): yhat ${o.yhat.toFixed(1)}, model ${o.modelYhat.toFixed(1)}, exact ${o.exact}; residual ${o.residual.toFixed(1)} (z ${o.z.toFixed(1)})`,
      );
  }
  return `${lines.join('\n')}\n`;
}

export function formatFinding(f: Finding): string {
  const column = (x: { column: number; output: number; weightBit: number }) => `column ${x.column} (output ${x.output}, weight bit ${x.weightBit})`;
  switch (f.kind) {
    case 'stuck-cell': {
      const e = f.evidence;
      const codes =
        e.analogZ === null
          ? ''
          : `codes favour it at z ${e.analogZ.toFixed(1)}, ${(100 * (e.analogShare ?? 0)).toFixed(0)} % of a stuck cell's effect over ${e.analogSamples} conversions`;
      const digital = e.digitalMacs > 0 ? `it explains the digital sums of ${e.digitalMacs} MACs exactly` : '';
      return `stuck cell: row ${f.row}, ${column(f)} stuck at ${f.stuckAt} (${[codes, digital].filter(Boolean).join('; ')})`;
    }
    case 'dead-column':
      return `dead ADC ${column(f)}: reads ${f.evidence.code} in ${pct(f.evidence.fractionAtCode)} of ${f.evidence.samples} conversions (spread ${f.evidence.measuredSdLsb.toFixed(3)} LSB where the ideal codes spread ${f.evidence.idealSdLsb.toFixed(2)})`;
    case 'saturated-column':
      return `saturated ADC ${column(f)}: at full scale in ${pct(f.evidence.fractionAtTop)} of ${f.evidence.samples} conversions (ideal ${pct(f.evidence.idealFractionAtTop)}); mean ${f.evidence.measuredMeanLsb.toFixed(2)} LSB, ideal ${f.evidence.idealMeanLsb.toFixed(2)}`;
    case 'column-gain':
      return `ADC gain outlier, ${column(f)}: gain ${f.evidence.gain.toFixed(4)} where the die's columns have ${f.evidence.medianGain.toFixed(4)} +- ${f.evidence.spreadGain.toFixed(4)} (robust z ${f.evidence.robustZ.toFixed(1)})`;
    case 'column-offset':
      return `ADC offset outlier, ${column(f)}: offset ${f.evidence.offsetLsb.toFixed(3)} LSB where the die's columns have ${f.evidence.medianOffsetLsb.toFixed(3)} +- ${f.evidence.spreadOffsetLsb.toFixed(3)} (robust z ${f.evidence.robustZ.toFixed(1)})`;
    case 'threshold-misfire': {
      const e = f.evidence;
      const where = e.effectiveLo !== null && e.effectiveHi !== null ? `; the die's threshold lies in [${e.effectiveLo}, ${e.effectiveHi})` : '';
      return `saliency threshold ${f.threshold} (theta ${f.theta}) misfires: level above ${f.threshold} with the saliency at or below theta in ${e.firedBelow} MACs, not above it with the saliency above theta in ${e.missedAbove}${where}`;
    }
    case 'digital-mismatch':
      return `digital sums of output ${f.output} differ from the model in ${f.evidence.macs} MACs of the scan, ${f.evidence.unexplained} not explained by a stuck cell (a link or logic fault?); first: ${f.evidence.examples.map((x) => `vector ${x.vector} by ${x.residual}`).join(', ')}`;
  }
}

function formatRuns(c: RunsComparison): string {
  const lines: string[] = [];
  lines.push(`${runName(c.a)} (A) against ${runName(c.b)} (B): ${c.vectors} vectors aligned, ${c.segments} segments where both end a block`);
  const stat = (s: RunsComparison['deltas']['snrDb'], digits: number) =>
    s.mean === null
      ? '-'
      : `${s.mean >= 0 ? '+' : ''}${s.mean.toFixed(digits)}${s.ci95Lo !== null && s.ci95Hi !== null ? ` [${s.ci95Lo.toFixed(digits)}, ${s.ci95Hi.toFixed(digits)}]` : ''}${s.t !== null ? ` t ${s.t.toFixed(1)}` : ''}`;
  const row = (name: string, a: string, b: string, d: string) => `  ${name.padEnd(24)}${a.padStart(12)}${b.padStart(12)}   ${d}`;
  lines.push(row('', 'A', 'B', 'B - A per segment, mean [95 % CI]'));
  const { a, b } = c.figures;
  lines.push(row('SNR', db(a.snrDb), db(b.snrDb), stat(c.deltas.snrDb, 2)));
  lines.push(row('model SNR', db(a.modelSnrDb), db(b.modelSnrDb), stat(c.deltas.modelSnrDb, 2)));
  lines.push(row('level agreement', pct(a.levelAgreement), pct(b.levelAgreement), stat(c.deltas.levelAgreement, 4)));
  lines.push(row('code residual mean, LSB', a.codeResidualMeanLsb.toFixed(3), b.codeResidualMeanLsb.toFixed(3), stat(c.deltas.codeResidualMeanLsb, 3)));
  lines.push(row('code residual rms, LSB', a.codeResidualRmsLsb.toFixed(3), b.codeResidualRmsLsb.toFixed(3), stat(c.deltas.codeResidualRmsLsb, 3)));
  lines.push(row('energy, pJ/MAC', a.measuredPjPerMac.toFixed(3), b.measuredPjPerMac.toFixed(3), stat(c.deltas.measuredPjPerMac, 3)));
  for (const r of c.rails) lines.push(row(`  ${r.rail}, pJ/MAC`, r.aPjPerMac.toFixed(3), r.bPjPerMac.toFixed(3), stat(r.delta, 3)));
  lines.push(
    `  yhat of B - yhat of A, MAC by MAC: mean ${num(c.yhatDifference.mean, 2)}, sd ${num(c.yhatDifference.sd, 2)}; same level in ${c.levels.same} of ${c.levels.macs} MACs`,
  );
  const moved = c.columns.filter((x) => x.count > 0 && Math.abs(x.meanDeltaLsb) >= 0.1).sort((x, y) => Math.abs(y.meanDeltaLsb) - Math.abs(x.meanDeltaLsb));
  lines.push(
    moved.length === 0
      ? '  no ADC column moved by 0.1 LSB or more'
      : `  ADC columns moved by 0.1 LSB or more (code of B - code of A): ${moved.map((x) => `${x.column} ${x.meanDeltaLsb >= 0 ? '+' : ''}${x.meanDeltaLsb.toFixed(3)}`).join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}
