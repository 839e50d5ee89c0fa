// Shared by the export tests: small simulated runs in stores of their own, DuckDB as the
// independent reader, and the rows a run's export must hold, derived here from the store's blocks.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { systemClock } from '../../drivers/clock';
import { Bench } from '../../engine/service/bench';
import { blocksWithModel } from '../../engine/store/block-reader';
import type { RunStore } from '../../engine/store/run-store';
import type { RunOptions } from '../../shared/api/run-options';

export const tempDir = (prefix = 'osa-export-') => mkdtempSync(join(tmpdir(), prefix));

export function openBench(dbPath = join(tempDir(), 'runs.db')): Bench {
  return new Bench({ dbPath, clock: systemClock, session: { operator: 'test', bench: 'ci', ambientC: null, notes: null }, statusEveryMs: 0 });
}

/** A completed run on the simulated board: relu vectors in osa mode unless `options` say otherwise. */
export async function simulatedRun(bench: Bench, options: Partial<RunOptions> = {}): Promise<{ runId: number; guid: string }> {
  const run = await bench.startRun({ board: 'sim', workload: { kind: 'relu', vectors: 1000, seed: 1 }, mode: 'osa', ...options });
  const summary = await run.done;
  if (summary.state !== 'completed') throw new Error(`the test run ended ${summary.state}: ${summary.reason ?? ''}`);
  return { runId: run.runId, guid: summary.guid };
}

export async function duckdb(): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(':memory:');
  return instance.connect();
}

/** Rows of a query as plain JS values: integers that DuckDB gives as bigint become numbers. */
export async function query(c: DuckDBConnection, sql: string): Promise<{ columns: string[]; rows: unknown[][] }> {
  const reader = await c.runAndReadAll(sql);
  const rows = reader.getRows().map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
  return { columns: reader.columnNames(), rows };
}

/** The rows a run's export holds, column by column name, derived from its stored blocks here (not by the exporter's code). */
export function expectedRows(store: RunStore, runId: number, dieId: string): Record<string, unknown>[] {
  const guid = store.getRun(runId)?.guid;
  const out: Record<string, unknown>[] = [];
  for (const b of blocksWithModel(store, runId)) {
    for (let i = 0; i < b.digital.length; i++) {
      const record = Math.floor(i / b.outputs);
      const row: Record<string, unknown> = {
        run_guid: guid,
        die_id: dieId,
        block: b.block,
        vector: b.firstVector + (record % b.vectors),
        repeat: Math.floor(record / b.vectors),
        output: i % b.outputs,
        level: b.level[i],
        digital_d_xw: b.digital[i],
        saliency_s_xw: b.saliency[i],
        yhat_xw: b.yhat[i],
        model_yhat_xw: b.modelYhat[i],
        exact_y_xw: b.exact[i],
        model_level: b.modelLevel[i],
      };
      for (let p = 0; p < b.planes; p++) {
        const c = b.codes[i * b.planes + p] as number;
        row[`code_p${p}_lsb`] = c < 0 ? null : c;
      }
      out.push(row);
    }
  }
  return out;
}

/** Compare rows read back with the expected ones, value by value; returns the first differences (none when equal). */
export function differences(columns: string[], rows: unknown[][], expected: Record<string, unknown>[], limit = 5): string[] {
  const out: string[] = [];
  if (rows.length !== expected.length) out.push(`${rows.length} rows read back, ${expected.length} expected`);
  const names = Object.keys(expected[0] ?? {});
  const missing = names.filter((n) => !columns.includes(n));
  if (missing.length > 0) out.push(`columns missing: ${missing.join(', ')}`);
  for (let r = 0; r < Math.min(rows.length, expected.length) && out.length < limit; r++) {
    const row = rows[r] as unknown[];
    const want = expected[r] as Record<string, unknown>;
    columns.forEach((name, k) => {
      if (!(name in want) || out.length >= limit) return;
      // a column DuckDB read as text (a code column that is empty in every row of a CSV) holds only nulls
      if (!Object.is(row[k], want[name]) && !(row[k] === 0 && want[name] === 0))
        out.push(`row ${r}, ${name}: ${String(row[k])} read back, ${String(want[name])} expected`);
    });
  }
  return out;
}
