// The HTML report of a comparison: a die with stuck cells and a dead ADC column, made up here, is
// reported with exactly those findings and their evidence, its plots inline, its provenance, no
// script and nothing fetched; run against run shows both runs' figures, differences and
// provenance; a bad second run is refused naming `with`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRun } from '../../engine/compare/compare-run';
import { renderComparisonReport, writeComparisonReport } from '../../engine/export/comparison-report';
import type { RunStore } from '../../engine/store/run-store';
import { FieldError } from '../../shared/api/run-options';
import { DEFAULT_PROFILE } from '../../shared/model/profile';
import { cli } from '../cli/run-cli';
import { killColumn, rewriteBlocks, simRun, tempStore, weightsOf } from '../compare/fixtures';
import { tempDir } from './support';

let store: RunStore;
let faulty: number;
let healthy: number;
let other: number;
const SEED = 3;
const VECTORS = 2000;
/** Cells stuck at the value their weight bit is not written with (at the written value nothing would change). */
const made = (() => {
  const w = weightsOf({ seed: SEED, vectors: VECTORS });
  return [
    { row: 3, column: 0 },
    { row: 200, column: 63 },
  ].map((c) => ({ ...c, value: (1 - (((w.data[c.row * 8 + Math.floor(c.column / 8)] as number) >> (c.column % 8)) & 1)) as 0 | 1 }));
})();

beforeAll(async () => {
  store = tempStore();
  faulty = (await simRun(store, { vectors: VECTORS, seed: SEED, batch: 500, die: { seed: 5, stuckCells: made } })).runId;
  rewriteBlocks(store, faulty, killColumn(DEFAULT_PROFILE, 42));
  healthy = (await simRun(store, { vectors: VECTORS, seed: SEED, batch: 500, die: { seed: 9 } })).runId;
  other = (await simRun(store, { vectors: 500, seed: 8, batch: 250 })).runId;
}, 60_000);
afterAll(() => store.close());

const holds = (html: string, text: string) => expect(html.includes(text), `the report holds ${text}`).toBe(true);

/** No script, no markup that fetches, no URL but the SVG namespace, the page's CSP. */
function expectInert(html: string): void {
  expect(html.match(/<(script|img|iframe|link|object|embed|a)\b[^>]*>|javascript:/gi)).toBeNull();
  expect(html.match(/https?:\/\/[^\s"'<>]+/g)?.filter((u) => u !== 'http://www.w3.org/2000/svg') ?? []).toEqual([]);
  expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;`);
}

describe('the comparison report', () => {
  it('of a run against the model: the findings of the made-up die with their evidence, the plots, the provenance', async () => {
    const out = join(tempDir(), 'compare.html');
    const r = await writeComparisonReport(store, faulty, null, out);
    const c = await compareRun(store, faulty);
    expect(r).toMatchObject({ kind: 'run', runId: faulty, withRunId: null, findings: c.findings.length });
    expect(c.findings.length).toBe(made.length + 1);
    const html = readFileSync(out, 'utf8');
    expectInert(html);
    holds(html, `Findings (${made.length + 1})`);
    for (const m of made) {
      holds(html, `row ${m.row}, column ${m.column} (output ${Math.floor(m.column / 8)}, weight bit ${m.column % 8})`);
      holds(html, `cell stuck at ${m.value}`);
    }
    holds(html, 'column 42 (output 5, weight bit 2)');
    holds(html, 'the ADC column reads 0 in 100 %');
    // each finding's evidence, field by field
    expect(html.match(/: the evidence<\/summary>/g)).toHaveLength(c.findings.length);
    holds(html, '<th>analogZ</th>');
    // the figures, the histograms, the transfer curve, the columns and the confusion heatmap as inline SVG
    expect((html.match(/<svg /g) ?? []).length).toBe(7);
    for (const title of [
      'Residual, measured - model yhat',
      'Code residual, measured - ideal code',
      'Transfer: mean code per plane popcount',
      'Code residual per ADC column',
    ])
      holds(html, title);
    holds(html, 'Levels: the die&#39;s against the model&#39;s');
    const row = store.getRun(faulty)!;
    holds(html, row.guid);
    const p = row.provenance as { dieId: string; model: { sourceHash: string }; vectorSet: string };
    for (const s of [p.dieId, p.model.sourceHash, p.vectorSet]) holds(html, s);
  });

  it('of a healthy die: no finding', async () => {
    const r = await renderComparisonReport(store, healthy);
    expect(r.findings).toBe(0);
    holds(r.html, 'None: the die behaves as the model says');
    expectInert(r.html);
  });

  it("of run against run: both runs' figures, the differences B - A, the plots and both provenances", async () => {
    const r = await renderComparisonReport(store, healthy, faulty);
    expect(r).toMatchObject({ kind: 'runs', runId: healthy, withRunId: faulty });
    expectInert(r.html);
    holds(r.html, 'Differences, B - A, segment by segment');
    holds(r.html, 'yhat of B - yhat of A');
    holds(r.html, 'Code of B - code of A per ADC column');
    holds(r.html, `Provenance of run A (${healthy})`);
    holds(r.html, `Provenance of run B (${faulty})`);
    for (const id of [healthy, faulty]) holds(r.html, store.getRun(id)!.guid);
    expect((r.html.match(/<svg /g) ?? []).length).toBe(3);
  });

  it('refuses a second run over another stimulus, naming with, and a run that does not exist, naming run', async () => {
    await expect(renderComparisonReport(store, healthy, other)).rejects.toThrow(FieldError);
    await expect(renderComparisonReport(store, healthy, other)).rejects.toMatchObject({ field: 'with' });
    await expect(renderComparisonReport(store, 9999)).rejects.toMatchObject({ field: 'run' });
  });

  it('osa-bench report RUN --with RUN2 and --compare write the comparison and say so', async () => {
    const dir = tempDir();
    const a = await cli('report', String(healthy), '--with', String(faulty), '--out', join(dir, 'ab.html'), '--db', store.path);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(new RegExp(`^wrote ${join(dir, 'ab.html')}: the comparison of run ${healthy} against run ${faulty}, \\d+ kB\\n$`));
    const m = await cli('report', String(faulty), '--compare', '--out', join(dir, 'm.html'), '--db', store.path, '--json');
    expect(m.code).toBe(0);
    expect(JSON.parse(m.stdout)).toMatchObject({ kind: 'run', runId: faulty, findings: made.length + 1 });
    holds(readFileSync(join(dir, 'm.html'), 'utf8'), 'cell stuck at');
  });
});
