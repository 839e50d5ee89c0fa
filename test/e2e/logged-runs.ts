// Logged runs for the replay, resume and compare tests: a run through the engine's API (as a lab
// script starts one) waited to its end, and a run left interrupted by a CLI process killed mid-run.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import type { EngineClient, MethodInput } from '../../shared/api/client';

const CLI = join(import.meta.dirname, '../../bin/osa-bench.mjs');

/** Start a run through the API and wait for its end; its id. */
export async function runToEnd(client: EngineClient, options: MethodInput<'run.start'>, timeoutMs = 90_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  const { runId } = await startWhenFree(client, options, until);
  for (;;) {
    const row = await client.call('runs.get', { run: runId });
    // ended in the store, and the board given back (bench.info's live runs)
    if (row.state !== 'running' && !(await client.call('bench.info', {})).live.some((l) => l.runId === runId)) {
      if (row.state !== 'completed') throw new Error(`run ${runId} ended ${row.state}: ${row.stateReason ?? ''}`);
      return runId;
    }
    if (Date.now() > until) throw new Error(`run ${runId} still running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** run.start, again while the board is still being given back by the run before (it is, a moment after that run's stop). */
async function startWhenFree(client: EngineClient, options: MethodInput<'run.start'>, until: number): Promise<{ runId: number }> {
  for (;;) {
    try {
      return await client.call('run.start', options);
    } catch (e) {
      if (!(e instanceof Error && / is busy with /.test(e.message)) || Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function committedBlocks(dbPath: string): number {
  try {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM result_blocks').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // the store is not made yet
  }
}

/**
 * `osa-bench run` on the store, killed (SIGKILL: no chance to end the run) once `blocks` batches
 * are committed: the engine that opens the store next finds the run interrupted.
 */
export async function killedRun(dbPath: string, args: readonly string[], blocks = 2, timeoutMs = 60_000): Promise<void> {
  const child = spawn(process.execPath, [CLI, 'run', '--db', dbPath, '--board', 'sim', ...args], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const until = Date.now() + timeoutMs;
  try {
    while (committedBlocks(dbPath) < blocks) {
      if (child.exitCode !== null) throw new Error(`osa-bench run ended (${child.exitCode}) before ${blocks} batches were committed`);
      if (Date.now() > until) throw new Error(`no ${blocks} batches committed within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

/** The page's address hash (#/history/7). */
export function hashOf(page: Page): string {
  return new URL(page.url()).hash;
}

/** Go to a screen by the address's hash, as a link or the user would (no reload). */
export async function goHash(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = h;
  }, hash);
}
