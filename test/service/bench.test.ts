// The Bench service: runs and procedures started through it stream their documents, the store
// holds exactly what was streamed (read back as documents, equal on every data field), a busy
// board refuses a second run, and pause, resume and abort work for procedures as for runs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../drivers/clock';
import { Bench } from '../../engine/service/bench';
import { runDocumentSchema, type BatchDocument, type RunDocument } from '../../shared/api/documents';
import { FieldError } from '../../shared/api/run-options';

const benches: Bench[] = [];
afterEach(async () => {
  await Promise.all(benches.splice(0).map((b) => b.close()));
});

function bench(): Bench {
  const b = new Bench({
    dbPath: join(mkdtempSync(join(tmpdir(), 'osa-bench-')), 'runs.db'),
    clock: systemClock,
    session: { operator: 'test', bench: 'ci', ambientC: null, notes: null },
    statusEveryMs: 0,
  });
  benches.push(b);
  return b;
}

/** What a run's documents say as data: status reports are live only, sequence numbers are places in a stream. */
const stored = (docs: RunDocument[]) => docs.filter((d) => d.type !== 'status').map((d) => ({ ...d, seq: 0 }));

describe('the Bench service', () => {
  it('streams a run as documents that the store reads back equal on every data field', async () => {
    const b = bench();
    const run = await b.startRun({ board: 'sim', workload: { kind: 'relu', vectors: 1000, seed: 3 }, mode: 'osa', batch: 300, tags: ['night'] });
    const live: RunDocument[] = [];
    run.documents.subscribe((d) => live.push(d));
    const summary = await run.done;
    expect(summary.state).toBe('completed');
    expect(live.map((d) => d.seq)).toEqual(live.map((_, i) => i));
    for (const d of live) expect(runDocumentSchema.safeParse(d).success).toBe(true);
    expect(live.filter((d) => d.type === 'batch')).toHaveLength(4);
    expect(live.filter((d) => d.type === 'batch').every((d) => d.type === 'batch' && d.data !== undefined && d.data.digital.length === d.vectors * 8)).toBe(true);
    // each batch carries its block's sample and the run's residual histograms so far, as the wire sends them
    const sum = (a: readonly number[]) => a.reduce((x, y) => x + y, 0);
    const batches = live.filter((d): d is BatchDocument => d.type === 'batch');
    let conversions = 0;
    for (const d of batches) {
      const sample = d.sample;
      expect(sample?.pairs).toHaveLength(64);
      expect(sum(sample?.codeResidual ?? [])).toBe(d.figures.codeResidualCount);
      expect(sum(sample?.yhatError ?? [])).toBe(d.figures.macs);
      expect(runDocumentSchema.parse(d)).toMatchObject({ sample, residuals: d.residuals });
      conversions += d.figures.codeResidualCount;
      expect(sum(d.residuals?.codeResidual ?? [])).toBe(conversions);
    }
    expect(sum(batches.at(-1)?.residuals?.yhatError ?? [])).toBe(1000 * 8);
    const back = [...b.readRun(run.runId)];
    expect(stored(back)).toEqual(stored(live));
    // as run.read answers: block summaries only, no blob decoded; the same samples and histograms
    const summaries = [...b.readRun(run.runId, { withData: false })];
    expect(stored(summaries)).toEqual(stored(live).map((d) => (d.type === 'batch' ? { ...d, data: undefined } : d)));
    expect(b.getRun(run.runId)?.tags).toEqual(['night']);
    expect(live.at(-1)).toMatchObject({ type: 'stop', state: 'completed', summary: { vectors: 1000 } });
  });

  it('keeps the stream for a client that comes back: from any sequence number on', async () => {
    const b = bench();
    const run = await b.startRun({ board: 'sim', workload: { kind: 'relu', vectors: 600, seed: 1 }, mode: 'dcim', batch: 200 });
    await run.done;
    const all = run.documents.since(0);
    expect(b.live(run.runId)?.documents.since(3)).toEqual(all.slice(3));
    const iterated: RunDocument[] = [];
    for await (const d of run.documents.iterate(2)) iterated.push(d);
    expect(iterated).toEqual(all.slice(2));
  });

  it('refuses bad input with the field at fault and logs nothing', async () => {
    const b = bench();
    await expect(b.startRun({ board: 'sim', mode: 'osa' })).rejects.toMatchObject({ field: 'vectorsFile' });
    await expect(b.startRun({ board: 'sim', mode: 'hcim', workload: { kind: 'relu', vectors: 10, seed: 1 } })).rejects.toMatchObject({ field: 'boundary' });
    await expect(b.startRun({ board: 'tcp://127.0.0.1:1', mode: 'osa', die: 'x.json', workload: { kind: 'relu', vectors: 10, seed: 1 } })).rejects.toMatchObject({
      field: 'die',
    });
    await expect(b.startRun({ board: 'sim', mode: 'osa', workload: { kind: 'relu', vectors: 0, seed: 1 } } as never)).rejects.toBeInstanceOf(FieldError);
    await expect(b.startRun({ board: 'sim', mode: 'osa', calibration: 99, workload: { kind: 'relu', vectors: 10, seed: 1 } })).rejects.toMatchObject({
      field: 'calibration',
    });
    expect(b.listRuns({})).toEqual([]);
  });

  it('runs one run per board at a time: a second start on a busy board is refused', async () => {
    const b = bench();
    const first = await b.startRun({ board: 'sim', workload: { kind: 'relu', vectors: 4000, seed: 1 }, mode: 'osa', batch: 200 });
    await expect(b.startRun({ board: 'sim', workload: { kind: 'relu', vectors: 10, seed: 1 }, mode: 'osa' })).rejects.toThrow(/busy with run \d+/);
    first.control.abort();
    expect((await first.done).state).toBe('aborted');
    const again = await b.startRun({ board: 'sim', workload: { kind: 'relu', vectors: 10, seed: 1 }, mode: 'osa' });
    expect((await again.done).state).toBe('completed');
  });

  it('streams a procedure: its parent, its child runs with their step, its typed report; read back the same', async () => {
    const b = bench();
    const proc = await b.startProcedure({ board: 'sim', procedure: 'snr-sweep', params: { vectors: 300, from: 8, to: 10 } });
    const live: RunDocument[] = [];
    proc.documents.subscribe((d) => live.push(d));
    const report = await proc.done;
    expect(report).toMatchObject({ procedure: 'snr-sweep', runId: proc.runId });
    expect(live[0]).toMatchObject({ type: 'start', runId: proc.runId, kind: 'snr-sweep' });
    expect(live.at(-1)).toMatchObject({ type: 'stop', runId: proc.runId, state: 'completed' });
    const steps = live.filter((d) => d.type === 'status' && d.step).map((d) => (d.type === 'status' ? d.step?.name : ''));
    expect(new Set(steps)).toEqual(new Set(['b=8', 'b=9', 'b=10']));
    expect(live.filter((d) => d.type === 'start')).toHaveLength(4);
    expect(stored([...b.readRun(proc.runId)])).toEqual(stored(live));
  });

  it('pauses, resumes and aborts a procedure: its parent run ends aborted', async () => {
    const b = bench();
    const proc = await b.startProcedure({ board: 'sim', procedure: 'snr-sweep', params: { vectors: 2000, from: 0, to: 14 } });
    const states: string[] = [];
    let paused = false;
    proc.documents.subscribe((d) => {
      if (d.type !== 'status') return;
      states.push(d.state);
      if (d.vectorsDone > 0 && !paused) {
        paused = true;
        proc.control.pause();
        setTimeout(() => proc.control.resume(), 20);
      }
      if (d.state === 'running' && paused && !proc.control.isPaused && d.step && d.step.index >= 2) proc.control.abort();
    });
    await expect(proc.done).rejects.toThrow(/aborted by the user/);
    expect(states).toContain('paused');
    expect(b.getRun(proc.runId)).toMatchObject({ state: 'aborted' });
    expect(proc.documents.since(0).at(-1)).toMatchObject({ type: 'stop', runId: proc.runId, state: 'aborted' });
  });
});
