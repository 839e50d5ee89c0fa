// Runs in an encoder thread of the Parquet export (parquet-pool.ts): opens the store read-only on
// its own connection, and for each block it is sent reads it, recomputes the model's values and
// encodes its row groups, answering with the bytes (transferred, not copied).
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../store/open-store';
import { RunStore } from '../store/run-store';
import { RunBlocks } from './export-blocks';
import { encodeBlock } from './parquet-format';
import type { EncodeJob, EncodeReply, PoolData } from './parquet-pool';

const { path, plan, runIds } = workerData as PoolData;
const store = new RunStore(openDatabase(path, { readonly: true }), path);
const readers = new Map<number, RunBlocks>();

parentPort?.on('message', (job: EncodeJob) => {
  let reply: EncodeReply;
  const transfer: ArrayBuffer[] = [];
  try {
    const runId = runIds[job.run] as number;
    let reader = readers.get(runId);
    if (!reader) {
      reader = new RunBlocks(store, runId, plan.model);
      // one run at a time: a procedure's steps come in order
      readers.clear();
      readers.set(runId, reader);
    }
    const encoded = encodeBlock(plan, reader.read(job.summary), job.run);
    transfer.push(encoded.bytes.buffer as ArrayBuffer);
    reply = { job: job.job, encoded };
  } catch (e) {
    reply = { job: job.job, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort?.postMessage(reply, transfer);
});
