// The Parquet export's blocks encoded in worker threads, in parallel, and handed back in order
// (docs/export.md): each thread reads the blocks it is sent from its own read-only connection,
// recomputes the model's values and encodes them (export-worker-thread.ts), so the caller's
// thread only writes bytes. At most `DEPTH` blocks per thread are in flight, which bounds memory.
import type { Worker } from 'node:worker_threads';
import { startEngineThread } from '../threads/engine-thread';
import type { BlockSummaryRecord } from '../store/run-store';
import type { EncodedBlock, ParquetPlan } from './parquet-format';

export interface PoolData {
  readonly path: string;
  readonly plan: ParquetPlan;
  /** the store's id of each run of the source, by index */
  readonly runIds: readonly number[];
}

export interface EncodeJob {
  readonly job: number;
  /** the run's index in the source */
  readonly run: number;
  readonly summary: BlockSummaryRecord;
}

export type EncodeReply = { readonly job: number; readonly encoded: EncodedBlock } | { readonly job: number; readonly error: string };

/** Blocks in flight per thread: one being encoded, one waiting. */
const DEPTH = 2;

interface Pending {
  resolve(e: EncodedBlock): void;
  reject(e: Error): void;
}

class EncoderThread {
  readonly worker: Worker;
  readonly pending = new Map<number, Pending>();

  constructor(data: PoolData) {
    this.worker = startEngineThread('export/export-worker-thread', { workerData: data });
    this.worker.on('message', (r: EncodeReply) => {
      const p = this.pending.get(r.job);
      this.pending.delete(r.job);
      if ('error' in r) p?.reject(new Error(r.error));
      else p?.resolve(r.encoded);
    });
    const fail = (e: Error) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', (e) => fail(new Error(`an export thread failed: ${e.message}`)));
    this.worker.on('exit', (code) => fail(new Error(`an export thread stopped (exit code ${code})`)));
  }

  encode(job: EncodeJob): Promise<EncodedBlock> {
    return new Promise<EncodedBlock>((resolve, reject) => {
      this.pending.set(job.job, { resolve, reject });
      this.worker.postMessage(job);
    });
  }
}

/**
 * Encode `jobs` on `threads` threads and hand each result to `take` in the jobs' order; `take`
 * is awaited before more jobs are sent past the window.
 */
export async function encodeInThreads(data: PoolData, threads: number, jobs: Iterable<Omit<EncodeJob, 'job'>>, take: (e: EncodedBlock) => Promise<void>): Promise<void> {
  const pool = Array.from({ length: threads }, () => new EncoderThread(data));
  const window: Promise<EncodedBlock>[] = [];
  try {
    let job = 0;
    for (const j of jobs) {
      // the least busy thread (ties: in turn), so a slow block does not hold up the others' queue
      const thread = pool.reduce((best, t) => (t.pending.size < best.pending.size ? t : best), pool[job % threads] as EncoderThread);
      const p = thread.encode({ ...j, job: job++ });
      // a failure is thrown where the block is taken, in order; this keeps it from being unhandled before
      p.catch(() => undefined);
      window.push(p);
      if (window.length >= threads * DEPTH) await take(await (window.shift() as Promise<EncodedBlock>));
    }
    while (window.length > 0) await take(await (window.shift() as Promise<EncodedBlock>));
  } finally {
    await Promise.all(pool.map((t) => t.worker.terminate()));
  }
}
