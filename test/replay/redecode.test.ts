// Re-decoding: a run's wire log decoded again by today's protocol code equals its stored blocks;
// a block whose stored data was altered (raw SQL, as a bug or a bad disk would) is named with the
// first value that differs, and a batch without a wire log is reported as such.
import { afterEach, describe, expect, it } from 'vitest';
import { redecodeRun } from '../../engine/replay/redecode';
import { decodeMeasured, encodeMeasured } from '../../engine/store/block-codec';
import type { RunStore } from '../../engine/store/run-store';
import { redecodeReportSchema } from '../../shared/api/compare';
import { simRun, tempStore, type TestRun } from '../compare/fixtures';

const stores: RunStore[] = [];
afterEach(() => stores.splice(0).forEach((s) => s.close()));

async function logged(config?: TestRun['config'], repeat?: number): Promise<{ store: RunStore; runId: number }> {
  const store = tempStore();
  stores.push(store);
  const s = await simRun(store, { vectors: 1000, batch: 250, seed: 8, logWire: true, config, repeat });
  return { store, runId: s.runId };
}

describe('re-decoding the wire log', () => {
  for (const [name, config, repeat] of [
    ['osa', { mode: 'osa' }, 1],
    ['hcim, repeat 2', { mode: 'hcim', boundary: 9, skip: 2 }, 2],
  ] as const) {
    it(`${name}: every block equals what its wire lines decode to`, async () => {
      const { store, runId } = await logged(config, repeat);
      const report = redecodeRun(store, runId);
      expect(redecodeReportSchema.parse(report)).toEqual(report);
      expect(report).toEqual({ runId, blocks: 4, equal: 4, differing: 0, missing: 0, undecodable: 0, problems: [] });
    });
  }

  it('names a block altered in the store, and a batch with no wire log', async () => {
    const { store, runId } = await logged();
    const row = store.db.prepare(`SELECT data FROM result_blocks WHERE run_id = ? AND block = 2`).get(runId) as { data: Buffer };
    const m = decodeMeasured(row.data);
    // vector 510, output 3: its first analog code, one LSB off
    const mac = 10 * 8 + 3;
    let plane = 0;
    while ((m.codes[mac * m.planes + plane] as number) < 0) plane++;
    const was = m.codes[mac * m.planes + plane] as number;
    m.codes[mac * m.planes + plane] = was === 0 ? 1 : was - 1;
    store.db.prepare(`UPDATE result_blocks SET data = ? WHERE run_id = ? AND block = 2`).run(encodeMeasured(m, m.planes), runId);
    store.db.prepare(`DELETE FROM wire_log WHERE run_id = ? AND block = 3`).run(runId);

    const report = redecodeRun(store, runId);
    expect(report).toMatchObject({ blocks: 4, equal: 2, differing: 1, missing: 1, undecodable: 0 });
    expect(report.problems).toEqual([
      {
        block: 2,
        firstVector: 500,
        vectors: 250,
        status: 'differing',
        detail: `ADC code of plane ${plane} of vector 510, output 3: stored ${m.codes[mac * m.planes + plane]}, on the wire ${was}`,
      },
      { block: 3, firstVector: 750, vectors: 250, status: 'missing', detail: 'no wire log was kept for this batch' },
    ]);
  });

  it('tells a wire log that does not hold the results whole', async () => {
    const { store, runId } = await logged();
    const lines = store.wireLines(runId, 1)!;
    // a batch whose RES? answers were lost: only the requests remain
    const { encodeWire } = await import('../../engine/store/wire-codec');
    store.db.prepare(`UPDATE wire_log SET to_host = ? WHERE run_id = ? AND block = 1`).run(
      encodeWire(
        lines.toHost.filter((l) => !/ OK \d+ \d+ \d+ B /.test(l)),
        { vectors: null },
      ),
      runId,
    );
    const report = redecodeRun(store, runId);
    expect(report).toMatchObject({ equal: 3, undecodable: 1 });
    expect(report.problems[0]).toMatchObject({ block: 1, status: 'undecodable' });
  });
});
