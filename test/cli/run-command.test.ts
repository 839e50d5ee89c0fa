// osa-bench run and runs as a user runs them, including a run killed in the middle.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openRunStore } from '../../engine/store/store';
import { BIN, cli, cliProcess, cliProcessBoundByModes } from './run-cli';
import { anyOf } from '../support/matchers';

const dbIn = () => join(mkdtempSync(join(tmpdir(), 'osa-cli-run-')), 'runs.db');

/** The CLI as a child process, with its output, its exit, and a deadline after which it is killed (a hang). */
function spawnCli(args: string[], deadlineMs: number) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, exited };
}

/** Committed result blocks in the store at `db` (0 while the schema is not there yet). */
function committedBlocks(db: string): number {
  if (!existsSync(db)) return 0;
  try {
    const peek = new Database(db, { readonly: true });
    try {
      return (peek.prepare('SELECT count(*) AS n FROM result_blocks').get() as { n: number }).n;
    } finally {
      peek.close();
    }
  } catch {
    return 0;
  }
}
const KEYS = ['runId', 'state', 'vectors', 'outputs', 'snrDb', 'modelSnrDb', 'levelAgreement', 'measuredPjPerMac', 'modelPjPerMac', 'gainVsDcim'];

describe('osa-bench run', () => {
  it('--board sim --json prints the run figures, measured beside modelled', async () => {
    const db = dbIn();
    const r = await cliProcess('run', '--board', 'sim', '--db', db, '--workload', 'relu', '--vectors', '3000', '--mode', 'osa', '--json', '--tag', 'smoke');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, number | string>;
    for (const k of KEYS) expect(out).toHaveProperty(k);
    expect(out).toMatchObject({ state: 'completed', vectors: 3000, outputs: 8 });
    expect(Math.abs((out.snrDb as number) - (out.modelSnrDb as number))).toBeLessThan(3);
    // plain progress lines off a terminal, with the figures so far
    expect(r.stderr).toMatch(/progress 100\.0% 3000\/3000 vectors .* SNR \d+\.\d dB \(model \d+\.\d\) {2}levels \d+\.\d%/);
    const list = JSON.parse((await cli('runs', 'list', '--db', db, '--json')).stdout) as { guid: string; tags: string[] }[];
    expect(list[0]).toMatchObject({ guid: out.runId, tags: ['smoke'] });
  });

  it('runs against osa-bench sim --pty through the serial driver', async () => {
    const sim = spawn(process.execPath, [BIN, 'sim', '--pty', '--baud', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const device = await new Promise<string>((resolve) => createInterface({ input: sim.stdout }).on('line', (l) => /^device: /.test(l) && resolve(l.slice(8))));
    try {
      const r = await cliProcess('run', '--board', device, '--db', dbIn(), '--workload', 'relu', '--vectors', '2000', '--mode', 'hcim', '--boundary', '9', '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ state: 'completed', vectors: 2000, digitalMismatches: 0, levelAgreement: 1 });
    } finally {
      sim.kill('SIGTERM');
    }
  });

  it('finds its board again on another port after it re-enumerates, and completes', async () => {
    // a die of its own, so that no other test's simulated board answers for it
    const dir = mkdtempSync(join(tmpdir(), 'osa-cli-moved-'));
    const die = join(dir, 'die.json');
    writeFileSync(die, JSON.stringify({ serial: 'SIM-MOVED-1', dieId: 'DIE-MOVED-1' }));
    const startSim = async () => {
      const sim = spawn(process.execPath, [BIN, 'sim', '--pty', '--die', die], { stdio: ['ignore', 'pipe', 'inherit'] });
      const device = await new Promise<string>((resolve) => createInterface({ input: sim.stdout }).on('line', (l) => /^device: /.test(l) && resolve(l.slice(8))));
      return { sim, device };
    };
    const a = await startSim();
    const db = join(dir, 'runs.db');
    // at 3 Mbaud 3,000 vectors take several seconds: the board moves under the run
    const run = spawnCli(
      ['run', '--board', a.device, '--db', db, '--workload', 'relu', '--vectors', '3000', '--mode', 'osa', '--resume-within', '30000', '--json'],
      90_000,
    );
    let b: Awaited<ReturnType<typeof startSim>> | null = null;
    try {
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && committedBlocks(db) < 2) await new Promise((r) => setTimeout(r, 50));
      // the same board comes up on a new port while the old one goes (as ttyUSB0 comes back as ttyUSB1)
      b = await startSim();
      expect(b.device).not.toBe(a.device);
      a.sim.kill('SIGTERM');
      const r = await run.exited;
      expect(r.stderr).not.toMatch(/osa-bench:/);
      expect(JSON.parse(r.stdout)).toMatchObject({ state: 'completed', vectors: 3000, resumes: 1, digitalMismatches: 0 });
      const { store } = openRunStore(db, { readonly: true });
      expect(store.events(1).find((e) => e.kind === 'resume')?.detail).toContain(`on ${b.device}`);
      store.close();
    } finally {
      run.child.kill('SIGKILL');
      a.sim.kill('SIGKILL');
      b?.sim.kill('SIGTERM');
    }
  });

  it.each([
    [['--mode', 'hcim'], /boundary: required for mode hcim/],
    [['--mode', 'osa', '--boundary', '3'], /boundary: only applies to mode hcim/],
    [['--mode', 'osa', '--vectors-file', 'x.csv'], /--workload: give either a workload or a vectors file with a weights file, not both/],
  ])('refuses %j before any board is contacted (exit 2)', async (args, message) => {
    const r = await cli('run', '--board', 'tcp://127.0.0.1:1', '--db', dbIn(), '--workload', 'relu', '--vectors', '10', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('a run killed mid-way leaves an intact database; the next start marks it interrupted and keeps every committed batch; runs resume completes it', async () => {
    const db = dbIn();
    const child = spawn(process.execPath, [BIN, 'run', '--board', 'sim', '--db', db, '--workload', 'relu', '--vectors', '60000', '--batch', '2048', '--mode', 'osa'], {
      stdio: 'ignore',
    });
    // wait for a few committed batches, then kill -9: no chance to clean up
    const deadline = Date.now() + 60_000;
    let committed = 0;
    while (Date.now() < deadline && committed < 3) {
      await new Promise((r) => setTimeout(r, 100));
      if (!existsSync(db)) continue;
      try {
        const peek = new Database(db, { readonly: true });
        committed = (peek.prepare('SELECT count(*) AS n FROM result_blocks').get() as { n: number }).n;
        peek.close();
      } catch {
        // the schema may not exist yet
      }
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(committed).toBeGreaterThanOrEqual(3);

    const { store, recovered } = openRunStore(db);
    try {
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(recovered).toHaveLength(1);
      const run = store.getRun(recovered[0]!)!;
      expect(run.state).toBe('interrupted');
      expect(run.stateReason).toMatch(/ended without finishing it/);
      const blocks = [...store.blocks(run.id)];
      expect(blocks.length).toBeGreaterThanOrEqual(3);
      expect(blocks.map((b) => b.firstVector)).toEqual(blocks.map((_, i) => i * 2048));
      expect(run.vectorsDone).toBe(blocks.length * 2048);
      expect(blocks.every((b) => b.summary.digitalMismatches === 0 && b.digital.length === 2048 * 8)).toBe(true);
    } finally {
      store.close();
    }

    // taken up again: the run goes on from its last committed batch and covers every vector once
    const id = String(recovered[0]);
    const resumed = await cliProcess('runs', 'resume', id, '--board', 'sim', '--db', db, '--json');
    expect(resumed.stderr).not.toMatch(/osa-bench:/);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ id: Number(id), state: 'completed', vectors: 60000, digitalMismatches: 0 });
    const after = openRunStore(db, { readonly: true }).store;
    try {
      let next = 0;
      for (const b of after.blocks(Number(id))) {
        expect(b.firstVector).toBe(next);
        next += b.vectors;
      }
      expect(next).toBe(60000);
      expect(after.getRun(id)).toMatchObject({ state: 'completed', vectorsDone: 60000 });
      expect(after.events(Number(id)).map((e) => e.kind)).toContain('taken-up');
    } finally {
      after.close();
    }
    // a completed run is not taken up again: bad input, exit 2
    const again = await cli('runs', 'resume', id, '--board', 'sim', '--db', db);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/is completed: only an interrupted run can be taken up again/);
  });
});

describe('osa-bench run stopped by a signal', () => {
  it('SIGTERM stops after the batch in hand, as Ctrl-C does: the run ends aborted, its batches kept', async () => {
    const db = dbIn();
    const { child, exited } = spawnCli(['run', '--board', 'sim', '--db', db, '--workload', 'relu', '--vectors', '40000', '--batch', '1024', '--mode', 'osa'], 50_000);
    while (committedBlocks(db) < 2 && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    const r = await exited;
    expect(r).toMatchObject({ code: 1, signal: null }); // ended by itself: a run that did not complete
    expect(r.stderr).toMatch(/stopping after the batch in hand/);
    expect(r.stdout).toMatch(/run 1 \(.*\) aborted/);
    const check = new Database(db, { readonly: true });
    const run = check.prepare('SELECT state, vectors_done FROM runs').get() as { state: string; vectors_done: number };
    const blocks = (check.prepare('SELECT count(*) AS n FROM result_blocks').get() as { n: number }).n;
    check.close();
    expect(run.state).toBe('aborted');
    expect(run.vectors_done).toBe(blocks * 1024);
    expect(run.vectors_done).toBeLessThan(40000);
  });
});

describe('osa-bench run on a terminal', () => {
  it('pauses and resumes on p, and stops on q', async () => {
    const db = dbIn();
    // script(1) gives the run a real terminal and passes what the test types to it
    const command = [
      process.execPath,
      BIN,
      'run',
      '--board',
      'sim',
      '--db',
      db,
      '--workload',
      'relu',
      '--vectors',
      '20000',
      '--batch',
      '256',
      '--mode',
      'osa',
      '--sim-baud',
      '3000000',
    ]
      .map((a) => `'${a}'`)
      .join(' ');
    const term = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let screen = '';
    const waiters: { re: RegExp; resolve: () => void }[] = [];
    term.stdout.on('data', (b: Buffer) => {
      screen += b.toString();
      for (const w of waiters.filter((x) => x.re.test(screen))) w.resolve();
    });
    const seen = (re: RegExp) => new Promise<void>((resolve) => (re.test(screen) ? resolve() : waiters.push({ re, resolve })));
    const exited = new Promise<number | null>((resolve) => term.once('exit', resolve));
    try {
      await seen(/keys: p pause\/resume, q stop/);
      term.stdin.write('p');
      await seen(/\[paused\]/);
      term.stdin.write('p');
      await seen(/resuming/);
      term.stdin.write('q');
      expect(await exited).toBe(1); // a run that did not complete
    } finally {
      term.kill();
    }
    expect(screen).toMatch(/run 1 \(.*\) aborted: aborted by the user/);
    const check = new Database(db, { readonly: true });
    const events = check.prepare(`SELECT kind FROM events WHERE kind IN ('pause', 'resume') ORDER BY id`).all();
    const run = check.prepare('SELECT state, vectors_done FROM runs').get() as { state: string; vectors_done: number };
    check.close();
    expect(events).toEqual([{ kind: 'pause' }, { kind: 'resume' }]);
    expect(run.state).toBe('aborted');
    expect(run.vectors_done % 256).toBe(0);
    expect(run.vectors_done).toBeLessThan(20000);
  });
});

describe('a run refused or failed before its first batch', () => {
  it('refused (a calibration that is not there): exit 2, and nothing is logged, not even its session or vector set', async () => {
    const db = dbIn();
    const r = await cli('run', '--board', 'sim', '--db', db, '--workload', 'relu', '--vectors', '3000', '--mode', 'osa', '--calibration', '999');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--calibration: no calibration record 999/);
    const check = new Database(db, { readonly: true });
    const count = (table: string) => (check.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    expect(['runs', 'sessions', 'vector_sets', 'weight_sets'].map(count)).toEqual([0, 0, 0, 0]);
    check.close();
  });

  it('failed with nothing committed (a store full at once): runs list shows no figures for it', async () => {
    const db = dbIn();
    const r = await cliProcess('run', '--board', 'sim', '--db', db, '--workload', 'relu', '--vectors', '3000', '--batch', '2048', '--mode', 'osa', '--db-limit-mb', '1');
    expect(r.code).toBe(1);
    const listed = JSON.parse((await cli('runs', 'list', '--db', db, '--json')).stdout) as { state: string; vectorsDone: number; snrDb: number | null }[];
    expect(listed).toMatchObject([{ state: 'failed', vectorsDone: 0, snrDb: null }]);
    expect((await cli('runs', 'list', '--db', db)).stdout).toMatch(/failed\s+osa\s+0\/3000\s+-\s/);
  });
});

describe('osa-bench runs', () => {
  it('lists, shows, tags and annotates runs', async () => {
    const db = dbIn();
    const out = JSON.parse(
      (
        await cliProcess(
          'run',
          '--board',
          'sim',
          '--db',
          db,
          '--workload',
          'uniform',
          '--vectors',
          '500',
          '--mode',
          'dcim',
          '--json',
          '--label',
          'dcim check',
          '--operator',
          'ada',
          '--bench',
          'bench-3',
          '--ambient-c',
          '23.5',
        )
      ).stdout,
    ) as { runId: string; id: number };
    expect((await cli('runs', 'tag', out.runId.slice(0, 8), 'golden', 'die-1', '--db', db)).code).toBe(0);
    expect((await cli('runs', 'note', String(out.id), 'looks', 'clean', '--db', db)).code).toBe(0);
    const shown = JSON.parse((await cli('runs', 'show', String(out.id), '--db', db, '--json')).stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({ label: 'dcim check', state: 'completed', tags: ['die-1', 'golden'], notes: [{ text: 'looks clean' }] });
    expect(shown.session).toMatchObject({
      operator: 'ada',
      bench: 'bench-3',
      ambient_c: 23.5,
      board_serial: 'SIM-0001',
      die_id: 'SIM-DIE-0001',
      ended_at: anyOf(String),
    });
    // the run records what its link went through; how a loaded machine fares is not this test's concern
    const link = JSON.parse((shown.events as { kind: string; detail: string }[]).find((e) => e.kind === 'link')!.detail) as Record<string, number>;
    expect(Object.keys(link).sort()).toEqual(['corruptLines', 'duplicates', 'earlyResends', 'hostStalls', 'naks', 'reboots', 'resent', 'resumes', 'sent', 'timeouts']);
    expect(link.sent).toBeGreaterThan(0);
    // batches sized by link time: a small first one, then about a second of link each, tiling the run
    const blocks = shown.blocks as { firstVector: number; vectors: number }[];
    expect(blocks[0]).toMatchObject({ firstVector: 0, vectors: 16 });
    expect(blocks.reduce((next, b) => (b.firstVector === next ? next + b.vectors : NaN), 0)).toBe(500);
    const table = await cli('runs', 'list', '--db', db, '--tag', 'golden');
    expect(table.stdout).toMatch(/completed\s+dcim\s+500\/500\s+inf/);
    const missing = await cli('runs', 'show', '999', '--db', db);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no run '999'/);
  });
});

describe('osa-bench runs list, a run with nothing committed', () => {
  it('shows no figures for a run that committed no vector, whatever its summary says', async () => {
    const db = dbIn();
    const { store } = openRunStore(db);
    const run = { kind: 'run', mode: 'osa', config: {}, provenance: {}, vectorSet: null, weightSet: null, repeat: 1 };
    const empty = store.createRun({ ...run, vectorsTotal: 4096 });
    store.setState(empty.id, 'failed', 'the board stopped answering', { snrDb: 17.66, vectors: 0 });
    const parent = store.createRun({ ...run, kind: 'sweep', vectorsTotal: 0 });
    store.setState(parent.id, 'completed', null, { snrDb: 20.5 });
    store.close();
    const table = await cli('runs', 'list', '--db', db);
    expect(table.stdout).toMatch(/\n\s+1 +\S+ +failed +osa +0\/4096 +- /);
    expect(table.stdout).toMatch(/\n\s+2 +\S+ +completed +osa +0\/0 +20\.50 dB /);
    const listed = JSON.parse((await cli('runs', 'list', '--db', db, '--json')).stdout) as { id: number; snrDb: number | null }[];
    expect(listed.map((r) => [r.id, r.snrDb])).toEqual([
      [2, 20.5],
      [1, null],
    ]);
  });
});

describe('a store that cannot take the run', () => {
  it('is locked by another program at start: the run exits 2 naming the file, and does not hang', async () => {
    const db = dbIn();
    expect((await cli('run', '--board', 'sim', '--db', db, '--workload', 'uniform', '--vectors', '100', '--mode', 'dcim')).code).toBe(0);
    const holder = new Database(db);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      // held until the command exits: it used to print the error and then never exit
      const r = await spawnCli(['run', '--board', 'sim', '--db', db, '--workload', 'uniform', '--vectors', '100', '--mode', 'dcim'], 30_000).exited;
      expect(r).toMatchObject({ code: 2, signal: null });
      expect(r.stderr).toContain(`osa-bench: ${db}: the database is locked by another program`);
    } finally {
      holder.exec('COMMIT');
      holder.close();
    }
    const check = new Database(db, { readonly: true });
    expect((check.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n).toBe(1);
    check.close();
  });

  it('fills up mid-run: the run fails with a clear error, is marked failed, and keeps every committed batch', async () => {
    const db = dbIn();
    // 1024-vector blocks take about 0.6 MB with their wire lines, the vector set about 1 MB: a 3 MB store holds one or two
    const r = await cliProcess('run', '--board', 'sim', '--db', db, '--workload', 'relu', '--vectors', '6000', '--batch', '1024', '--mode', 'osa', '--db-limit-mb', '3');
    expect(r.code).toBe(1); // the run failed; the command was right
    expect(r.stderr).toMatch(new RegExp(`osa-bench: ${db.replace(/[.]/g, '\\.')}: the disk is full`));
    const run = (JSON.parse((await cli('runs', 'list', '--db', db, '--json')).stdout) as { id: number; state: string; vectorsDone: number }[])[0]!;
    expect(run.state).toBe('failed');
    const shown = JSON.parse((await cli('runs', 'show', String(run.id), '--db', db, '--json')).stdout) as { stateReason: string; blocks: { firstVector: number }[] };
    expect(shown.stateReason).toMatch(/the disk is full/);
    expect(shown.blocks.length).toBeGreaterThanOrEqual(1);
    expect(shown.blocks.map((b) => b.firstVector)).toEqual(shown.blocks.map((_, i) => i * 1024));
    expect(run.vectorsDone).toBe(shown.blocks.length * 1024);
    const check = new Database(db, { readonly: true });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
  });

  it('is write-protected: a run is refused before any board is contacted; runs list and show still read it', async () => {
    const db = dbIn();
    expect((await cli('run', '--board', 'sim', '--db', db, '--workload', 'uniform', '--vectors', '300', '--mode', 'dcim', '--json')).code).toBe(0);
    chmodSync(db, 0o444);
    chmodSync(dirname(db), 0o555);
    try {
      const refused = await cliProcessBoundByModes('run', '--board', 'sim', '--db', db, '--workload', 'uniform', '--vectors', '300', '--mode', 'dcim');
      expect(refused.code).toBe(2); // the file named is the problem: nothing ran
      expect(refused.stderr).toMatch(/runs\.db: the database is read-only for this user/);
      // in a folder this user may not write, SQLite cannot even read a WAL store: it says so
      const listClosed = await cliProcessBoundByModes('runs', 'list', '--db', db);
      expect(listClosed.code).not.toBe(0);
      expect(listClosed.stderr).toMatch(/runs\.db: the folder is read-only for this user.*copy it to a folder you may write/);
      chmodSync(dirname(db), 0o777); // the folder open, only the file protected: reading works
      const listed = await cliProcessBoundByModes('runs', 'list', '--db', db, '--json');
      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.stdout)).toMatchObject([{ id: 1, state: 'completed', vectorsDone: 300 }]);
      const shown = await cliProcessBoundByModes('runs', 'show', '1', '--db', db, '--json');
      const read = JSON.parse(shown.stdout) as { id: number; mode: string; blocks: { vectors: number }[] };
      expect(read).toMatchObject({ id: 1, mode: 'dcim', blocks: expect.arrayContaining([expect.objectContaining({ firstVector: 0, vectors: 16 })]) as unknown });
      expect(read.blocks.reduce((n, b) => n + b.vectors, 0)).toBe(300);
      const tagged = await cliProcessBoundByModes('runs', 'tag', '1', 'golden', '--db', db);
      expect(tagged.code).not.toBe(0);
      expect(tagged.stderr).toMatch(/runs\.db: the database is read-only for this user/);
    } finally {
      chmodSync(dirname(db), 0o755);
      chmodSync(db, 0o644);
    }
    // nothing was written: the store holds its one run, untagged
    const check = new Database(db, { readonly: true });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((check.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n).toBe(1);
    expect((check.prepare('SELECT count(*) AS n FROM tags').get() as { n: number }).n).toBe(0);
    check.close();
  });
});
