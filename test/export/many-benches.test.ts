// Many benches, one analysis: runs of two dies, logged in two stores (two benches), exported as
// Parquet into one folder and queried together by DuckDB, grouped by die: from the die_id column
// and from each file's metadata. The SQL is docs/export.md's.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportRun } from '../../engine/export/export-run';
import type { Bench } from '../../engine/service/bench';
import { duckdb, openBench, query, simulatedRun, tempDir } from './support';

const benches: Bench[] = [];
afterAll(() => Promise.all(benches.map((b) => b.close())));

describe('many benches, one analysis', () => {
  it('DuckDB reads a folder of exports from two stores and two dies, and finds each run figures again by die', async () => {
    const folder = tempDir('osa-lab-');
    const dies = [
      { file: 'drivers/sim/dies/typical.json', id: 'OSA-TT-0001', seed: 1 },
      { file: 'drivers/sim/dies/noisy.json', id: 'OSA-SS-0007', seed: 2 },
    ];
    const snr: Record<string, number> = {};
    for (const [k, die] of dies.entries()) {
      const bench = openBench();
      benches.push(bench);
      const { runId, guid } = await simulatedRun(bench, { die: die.file, workload: { kind: 'relu', vectors: 1000, seed: die.seed } });
      snr[die.id] = bench.store.getRun(runId)?.summary?.snrDb as number;
      await exportRun(bench.store, runId, join(folder, `bench${k + 1}-${guid.slice(0, 8)}.parquet`), { format: 'parquet' });
    }
    const c = await duckdb();
    const files = join(folder, '*.parquet');
    // docs/export.md, "Many benches, one analysis"
    const byColumn = await query(
      c,
      `SELECT die_id, count(DISTINCT run_guid) AS runs, count(*) AS macs,
              10 * log10(sum(exact_y_xw::DOUBLE * exact_y_xw) / sum((yhat_xw - exact_y_xw) ^ 2)) AS snr_db,
              avg(yhat_xw - model_yhat_xw) AS mean_residual
         FROM read_parquet('${files}')
        GROUP BY die_id
        ORDER BY die_id`,
    );
    expect(byColumn.columns).toEqual(['die_id', 'runs', 'macs', 'snr_db', 'mean_residual']);
    expect(byColumn.rows.map((r) => r.slice(0, 3))).toEqual([
      ['OSA-SS-0007', 1, 8000],
      ['OSA-TT-0001', 1, 8000],
    ]);
    for (const [die, , , db] of byColumn.rows as [string, number, number, number][]) expect(db).toBeCloseTo(snr[die] as number, 9);
    // the noisy die measures worse than the typical one
    expect(snr['OSA-SS-0007']).toBeLessThan(snr['OSA-TT-0001'] as number);

    // the same grouping from each file's metadata (the provenance manifest), for files from before a column existed
    const byMetadata = await query(
      c,
      `WITH meta AS (
         SELECT file_name, json_extract_string(decode(value), '$[0].provenance.dieId') AS die,
                json_extract_string(decode(value), '$[0].provenance.board.serial') AS board
           FROM parquet_kv_metadata('${files}')
          WHERE decode(key) = 'osa-bench.runs')
       SELECT meta.die, meta.board, count(*) AS macs
         FROM read_parquet('${files}', filename = true) AS p
         JOIN meta ON p.filename = meta.file_name
        GROUP BY ALL
        ORDER BY meta.die`,
    );
    expect(byMetadata.rows).toEqual([
      ['OSA-SS-0007', 'SIM-0007', 8000],
      ['OSA-TT-0001', 'SIM-0001', 8000],
    ]);
  });
});
