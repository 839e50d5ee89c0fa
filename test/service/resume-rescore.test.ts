// A re-score has no board to be taken up on: `runs resume` refuses one (the Bench service, so the
// CLI and the API both), naming the run, even when a crash left it interrupted. And the session
// the CLI's flags describe is still the one its runs are logged under.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../drivers/clock';
import { Bench } from '../../engine/service/bench';
import { FieldError } from '../../shared/api/run-options';
import { cli } from '../cli/run-cli';

const db = join(mkdtempSync(join(tmpdir(), 'osa-resume-rescore-')), 'runs.db');
let rescoreId: number;

beforeAll(async () => {
  const bench = new Bench({
    dbPath: db,
    clock: systemClock,
    session: { operator: 'test', bench: 'ci', ambientC: null, notes: null },
    statusEveryMs: 0,
    writer: 'inline',
  });
  try {
    const run = await bench.startRun({ board: 'sim', workload: { kind: 'relu', vectors: 400, seed: 2 }, mode: 'osa', batch: 200 });
    await run.done;
    const rescore = await bench.rescoreRun(run.runId, { mode: 'hcim', boundary: 9 });
    await rescore.done;
    rescoreId = rescore.runId;
    // as a crash leaves a run: interrupted
    bench.store.setState(rescoreId, 'interrupted', 'test: the process was killed');
    const e = await bench.resumeRun(rescoreId, { board: 'sim' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FieldError);
    expect(e).toMatchObject({ field: 'run', message: expect.stringMatching(/re-score/) as unknown });
  } finally {
    await bench.close();
  }
});

describe('runs resume of a re-score', () => {
  it('is refused by the CLI, naming the run, and nothing is logged', async () => {
    const r = await cli('runs', 'resume', String(rescoreId), '--board', 'sim', '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/re-score/);
    const list = await cli('runs', 'show', String(rescoreId), '--db', db, '--json');
    expect(JSON.parse(list.stdout)).toMatchObject({ state: 'interrupted' });
  });

  it('leaves the CLI’s session flags as they were: its run is logged under them', async () => {
    const r = await cli(
      'run',
      '--board',
      'sim',
      '--workload',
      'relu',
      '--vectors',
      '200',
      '--mode',
      'osa',
      '--db',
      db,
      '--operator',
      'ada',
      '--ambient-c',
      '21',
      '--json',
    );
    expect(r.code).toBe(0);
    const bench = new Bench({ dbPath: db, clock: systemClock, session: { operator: null, bench: null, ambientC: null, notes: null }, writer: 'inline' });
    try {
      const run = bench.listRuns({ limit: 1 })[0]!;
      expect(bench.store.session(run.sessionId!)).toMatchObject({ operator: 'ada', ambient_c: 21, die_label: null });
    } finally {
      await bench.close();
    }
  });
});
