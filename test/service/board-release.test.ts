// A client that sees a run's stop may start the next run on that board at once: the Bench waits for
// the ended run to let go of the link and its writer, and does not refuse the new one as busy. A run
// still going is refused, as before.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../drivers/clock';
import { Bench } from '../../engine/service/bench';
import { BoardBusyError } from '../../shared/api/run-options';
import type { RunSummary } from '../../engine/run/run-engine';
import type { RunHandle } from '../../engine/service/bench-api';

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

const options = { board: 'sim', workload: { kind: 'relu' as const, vectors: 600, seed: 5 }, mode: 'osa' as const, batch: 200 };

describe('a board after its run stops', () => {
  it('takes the next run started on the stop document, and refuses one while the run goes on', async () => {
    const b = bench();
    const first = await b.startRun(options);
    await expect(b.startRun(options)).rejects.toBeInstanceOf(BoardBusyError);
    const next = new Promise<RunHandle<RunSummary>>((resolve, reject) => {
      first.documents.subscribe((d) => {
        if (d.type === 'stop') b.startRun(options).then(resolve, reject);
      });
    });
    expect((await first.done).state).toBe('completed');
    const second = await next;
    expect(second.runId).toBeGreaterThan(first.runId);
    expect((await second.done).state).toBe('completed');
    expect(second.runId).not.toBe(first.runId);
  });
});
