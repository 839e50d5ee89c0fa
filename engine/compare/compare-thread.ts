// Runs in a comparison thread: opens the store read-only (its own connection) and does the jobs it
// is sent, one at a time, so a long comparison never holds the engine's event loop.
import { parentPort } from 'node:worker_threads';
import { openRunStore } from '../store/store';
import type { RunStore } from '../store/run-store';
import type { CompareJob, CompareReply } from './compare-jobs';
import { compareRunHere } from './compare-run';
import { runsHere } from './compare-runs';

const stores = new Map<string, RunStore>();
const storeAt = (path: string) => {
  let s = stores.get(path);
  if (!s) {
    s = openRunStore(path, { readonly: true }).store;
    stores.set(path, s);
  }
  return s;
};

async function perform(job: CompareJob): Promise<unknown> {
  const store = storeAt(job.path);
  if (job.kind === 'runs') return runsHere(store, job.a, job.b, job.part, job.parts);
  return compareRunHere(store, job.run, job.options);
}

parentPort?.on('message', (m: { id: number; job: CompareJob }) => {
  perform(m.job).then(
    (value) => parentPort?.postMessage({ id: m.id, ok: true, value } satisfies CompareReply),
    (e: unknown) => parentPort?.postMessage({ id: m.id, ok: false, message: e instanceof Error ? e.message : String(e) } satisfies CompareReply),
  );
});
