// The comparison threads (compare-thread.ts): started on first use, at most two (the bench PC's
// cores), kept for the next comparison but never holding the process open. Where threads cannot
// run (a store in memory, OSA_BENCH_COMPARE_THREADS=0), the caller compares in its own thread.
import type { Worker } from 'node:worker_threads';
import { startEngineThread } from '../threads/engine-thread';
import type { CompareAnswer, CompareJob, CompareReply } from './compare-jobs';

const MAX_THREADS = 2;

/** Runs from this many vectors are compared in threads: below, starting a thread costs more than it saves. */
export const THREADS_FROM = 50_000;

interface Thread {
  readonly worker: Worker;
  busy: boolean;
}

const threads: Thread[] = [];
const queue: { job: CompareJob; resolve: (v: unknown) => void; reject: (e: Error) => void }[] = [];
const pending = new Map<number, { thread: Thread; resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let nextId = 1;

/** Whether comparisons of the store at `path` can run in threads. */
export function threadsFor(path: string): boolean {
  if (process.env.OSA_BENCH_COMPARE_THREADS === '0') return false;
  return path !== '' && path !== ':memory:' && !path.startsWith('file::memory:');
}

/** How many jobs can run at once. */
export const threadCount = (): number => (process.env.OSA_BENCH_COMPARE_THREADS === '1' ? 1 : MAX_THREADS);

function start(): Thread {
  const worker = startEngineThread('compare/compare-thread');
  const thread: Thread = { worker, busy: false };
  worker.on('message', (r: CompareReply) => {
    const p = pending.get(r.id);
    if (!p) return;
    pending.delete(r.id);
    thread.busy = false;
    if (r.ok) p.resolve(r.value);
    else p.reject(new Error(r.message));
    next();
  });
  const fail = (e: Error) => {
    threads.splice(threads.indexOf(thread), 1);
    for (const [id, p] of pending) {
      if (p.thread !== thread) continue;
      pending.delete(id);
      p.reject(new Error(`the comparison thread failed: ${e.message}`));
    }
    next();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (threads.includes(thread)) fail(new Error(`it exited with code ${code}`));
  });
  threads.push(thread);
  return thread;
}

function next(): void {
  while (queue.length > 0) {
    const thread = threads.find((t) => !t.busy) ?? (threads.length < threadCount() ? start() : null);
    if (!thread) break;
    const q = queue.shift();
    if (!q) break;
    const id = nextId++;
    thread.busy = true;
    thread.worker.ref();
    pending.set(id, { thread, resolve: q.resolve, reject: q.reject });
    thread.worker.postMessage({ id, job: q.job });
  }
  // idle threads wait for the next comparison without keeping the process alive
  for (const t of threads) if (!t.busy) t.worker.unref();
}

/** Run a job in a comparison thread (queued while both are busy). */
export function inThread<J extends CompareJob>(job: J): Promise<CompareAnswer<J>> {
  return new Promise<CompareAnswer<J>>((resolve, reject) => {
    queue.push({ job, resolve: resolve as (v: unknown) => void, reject });
    next();
  });
}

/** End the threads (tests, a closing engine); the next job starts them again. */
export async function closeCompareThreads(): Promise<void> {
  const all = threads.splice(0);
  await Promise.all(all.map((t) => t.worker.terminate()));
}
