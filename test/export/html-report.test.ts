// The HTML report: one file with the run's figures, configuration, provenance and plots as inline
// SVG, no script and nothing fetched; labels, notes and tags are shown as text, never as markup.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport, writeReport } from '../../engine/export/html-report';
import type { Bench } from '../../engine/service/bench';
import { FieldError } from '../../shared/api/run-options';
import { openBench, simulatedRun, tempDir } from './support';

const EVIL = '<script>alert(1)</script>';
let bench: Bench;
let runId: number;

beforeAll(async () => {
  bench = openBench();
  ({ runId } = await simulatedRun(bench, { label: EVIL, tags: [`"><img src=x onerror=alert(2)>`], batch: 250 }));
  bench.store.note(runId, `note ${EVIL} & <b>bold</b>`);
});
afterAll(() => bench.close());

/** A report holds this text (the message names the text, not the whole page). */
function holds(html: string, text: string): void {
  expect(html.includes(text), `the report holds ${text}`).toBe(true);
}

/** What a report must never hold: markup from the store, scripts, anything fetched from elsewhere. */
function expectInert(html: string): void {
  // (matches, not the whole page, in a failure's message)
  expect(html.includes(EVIL)).toBe(false);
  expect(html.match(/<(script|img|iframe|link|object|embed|a)\b[^>]*>|javascript:/gi)).toBeNull();
  // no resource from elsewhere: the only URL is the SVG namespace
  expect(html.match(/https?:\/\/[^\s"'<>]+/g)?.filter((u) => u !== 'http://www.w3.org/2000/svg') ?? []).toEqual([]);
  expect(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;/.test(html)).toBe(true);
}

describe('the HTML report', () => {
  it('of a run: its figures, configuration, provenance and plots, every text escaped', async () => {
    const out = join(tempDir(), 'run.html');
    const r = await writeReport(bench.store, runId, out);
    expect(r).toMatchObject({ kind: 'run', runId });
    const html = readFileSync(out, 'utf8');
    expectInert(html);
    const row = bench.store.getRun(runId)!;
    holds(html, '&lt;script&gt;alert(1)&lt;/script&gt;');
    holds(html, 'note &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    holds(html, '&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    holds(html, row.guid);
    // the figures as the run reported them
    const snr = row.summary?.snrDb as number;
    holds(html, String(Number(snr.toPrecision(4))));
    holds(html, String(Number((row.summary?.modelSnrDb as number).toPrecision(4))));
    // provenance: die, board, model hash, content hashes of the sets
    const p = row.provenance as { dieId: string; model: { sourceHash: string }; vectorSet: string; weightSet: string; board: { serial: string } };
    for (const s of [p.dieId, p.model.sourceHash, p.vectorSet, p.weightSet, p.board.serial]) holds(html, s);
    // four plots, each an inline SVG with data in it
    expect(html.match(/<svg /g)).toHaveLength(4);
    for (const title of ['Measured against model yhat', 'Residual, measured - model yhat', 'SNR per block over the run', 'Rail power per block over the run'])
      holds(html, title);
    expect((html.match(/<circle /g) ?? []).length).toBeGreaterThan(1000);
    expect(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+"\/>/.test(html)).toBe(true);
  });

  it('of a procedure: its main curve (SNR against the boundary), its steps and their figures', async () => {
    const proc = await bench.startProcedure({ board: 'sim', procedure: 'snr-sweep', params: { vectors: 200, from: 8, to: 10 } });
    const report = await proc.done;
    bench.store.note(proc.runId, EVIL);
    const { html, kind } = renderReport(bench.store, proc.runId);
    expect(kind).toBe('procedure');
    expectInert(html);
    holds(html, 'SNR against the boundary');
    holds(html, '<path d="M');
    const points = (report.summary as { points: { boundary: number; snrDb: number | null; runId: number }[] }).points;
    expect(points.map((p) => p.boundary)).toEqual([8, 9, 10]);
    for (const p of points) holds(html, String(Number((p.snrDb as number).toPrecision(4))));
    for (const c of bench.store.childRuns(proc.runId)) holds(html, c.guid.slice(0, 8));
  });

  it('refuses a run that does not exist, naming the field', () => {
    expect(() => renderReport(bench.store, 4242)).toThrow(FieldError);
    expect(() => renderReport(bench.store, 4242)).toThrow(/no run '4242'/);
  });
});
