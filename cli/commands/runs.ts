// osa-bench runs list|show|tag|note: what is in the store.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { defaultDatabasePath } from '../../engine/store/default-path';
import type { RunRow, RunStore } from '../../engine/store/run-store';
import { writeChunk, type CliIo } from '../io';
import { integerIn } from '../options';
import { addRunsResumeCommand } from './runs-resume';

/** `reading`: list and show also work on a store this user may not write (an archive, a colleague's file). */
async function withStore<T>(db: string | undefined, fn: (store: RunStore) => T | Promise<T>, reading = false): Promise<T> {
  const path = db ?? defaultDatabasePath();
  // SQLite and the store are loaded by the commands that open it, not at every start
  const [{ storeWritable }, { openRunStore }] = await Promise.all([import('../../engine/store/open-store'), import('../../engine/store/store')]);
  const { store } = openRunStore(path, { readonly: reading && existsSync(path) && !storeWritable(path) });
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

function findRun(store: RunStore, ref: string): RunRow {
  const run = store.getRun(ref);
  if (!run) throw new Error(`no run '${ref}' in ${store.path} (give its number or at least 6 characters of its GUID)`);
  return run;
}

/**
 * A run that committed none of its vectors measured nothing, whatever its summary holds: no
 * figures for it. (A sweep's parent has no vectors of its own; its figures are its children's.)
 */
const measured = (r: RunRow) => r.summary !== null && (r.vectorsDone > 0 || r.vectorsTotal === 0);

function brief(r: RunRow) {
  const s = measured(r) ? (r.summary ?? {}) : {};
  return {
    id: r.id,
    guid: r.guid,
    kind: r.kind,
    label: r.label,
    state: r.state,
    mode: r.mode,
    vectorsDone: r.vectorsDone,
    vectorsTotal: r.vectorsTotal,
    snrDb: s.snrDb ?? null,
    startedAt: r.startedAt,
    tags: r.tags,
  };
}

/** SNR for the table: a summary with no SNR means no error at all. */
function snrText(r: RunRow): string {
  if (!r.summary || !measured(r)) return '-';
  const v = r.summary.snrDb;
  return typeof v === 'number' ? `${v.toFixed(2)} dB` : 'inf';
}

export function addRunsCommand(program: Command, io: CliIo): void {
  const runs = program.command('runs').description('list, show, tag and annotate logged runs');
  const dbOption = `SQLite store (default ${defaultDatabasePath()})`;

  runs
    .command('list')
    .description('the latest runs')
    .option('--db <file>', dbOption)
    .option('--limit <n>', 'at most n runs', integerIn(1, 100_000), 50)
    .option('--tag <tag>', 'only runs with this tag')
    .option('--json', 'one JSON array')
    .action((o: { db?: string; limit: number; tag?: string; json?: boolean }) =>
      withStore(
        o.db,
        async (store) => {
          const runs = store.listRuns(o.limit, o.tag);
          if (o.json) return writeChunk(io.stdout, `${JSON.stringify(runs.map(brief))}\n`);
          const lines = runs.map((r) =>
            [
              String(r.id).padStart(5),
              r.guid.slice(0, 8),
              r.state.padEnd(11),
              (r.mode ?? '-').padEnd(5),
              `${r.vectorsDone}/${r.vectorsTotal}`.padStart(15),
              snrText(r),
              r.startedAt,
              r.tags.join(','),
            ].join('  '),
          );
          await writeChunk(io.stdout, `${['   id  guid      state        mode           vectors  snr  started  tags', ...lines].join('\n')}\n`);
        },
        true,
      ),
    );

  runs
    .command('show <run>')
    .description('one run: configuration, provenance, figures, blocks, events, notes')
    .option('--db <file>', dbOption)
    .option('--json', 'one JSON object')
    .action((ref: string, o: { db?: string; json?: boolean }) =>
      withStore(
        o.db,
        async (store) => {
          const run = findRun(store, ref);
          const blocks = store.blockSummaries(run.id).map((b) => ({
            block: b.block,
            firstVector: b.firstVector,
            vectors: b.vectors,
            digitalMismatches: b.summary.digitalMismatches,
            levelAgreement: b.summary.levelAgreements / b.summary.macs,
            power: b.power,
          }));
          const session = run.sessionId === null ? null : store.session(run.sessionId);
          const detail = { ...run, session, blocks, events: store.events(run.id), notes: store.notes(run.id), children: store.childRuns(run.id).map(brief) };
          await writeChunk(io.stdout, `${JSON.stringify(detail, null, o.json ? undefined : 2)}\n`);
        },
        true,
      ),
    );

  runs
    .command('tag <run> <tags...>')
    .description('add tags to a run (--remove to take them off)')
    .option('--db <file>', dbOption)
    .option('--remove', 'remove the tags instead')
    .action((ref: string, tags: string[], o: { db?: string; remove?: boolean }) =>
      withStore(o.db, async (store) => {
        const run = findRun(store, ref);
        if (o.remove) store.untag(run.id, tags);
        else store.tag(run.id, tags);
        await writeChunk(io.stdout, `${JSON.stringify({ id: run.id, tags: findRun(store, String(run.id)).tags })}\n`);
      }),
    );

  runs
    .command('note <run> <text...>')
    .description('add a note to a run')
    .option('--db <file>', dbOption)
    .action((ref: string, words: string[], o: { db?: string }) =>
      withStore(o.db, async (store) => {
        const run = findRun(store, ref);
        store.note(run.id, words.join(' '));
        await writeChunk(io.stdout, `${JSON.stringify({ id: run.id, notes: store.notes(run.id) })}\n`);
      }),
    );

  addRunsResumeCommand(runs, io);
}
