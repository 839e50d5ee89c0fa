// Streams a vector set through a board in batches, double-buffered in the board's vector memory:
// while the results of batch k come back, batch k+1 goes out, its requests interleaved with
// batch k's so that both directions of the link carry data at once. The host is then never what
// leaves the wire idle (docs/benchmarks.md, link use).
import { allocateResultBlock, type ResultBlock, type ResultLayout } from '../../shared/protocol/data-blocks';
import type { RunReport } from '../../shared/protocol/payloads';
import type { VectorSource } from '../../shared/workload/vector-source';
import type { BoardClient, LinkJob } from './board-client';

export interface StreamedBatch {
  /** the board's batch id */
  readonly batch: number;
  /** index of the batch's first vector in the set */
  readonly first: number;
  /** vectors in the batch (its results hold count x repeat records) */
  readonly count: number;
  readonly report: RunReport;
  readonly results: ResultBlock;
  /** the batch's vectors (count x N), as sent */
  readonly vectors: Int32Array;
}

export interface StreamOptions {
  readonly layout: ResultLayout;
  /** vectors per batch; at most half the board's vector memory */
  readonly batchVectors: number;
  readonly repeat?: number;
  /** the first vector to send (to resume a run) */
  readonly startVector?: number;
  /** the board batch id of the first batch; later batches count up */
  readonly firstBatchId?: number;
  /** called for each batch, in order; the next batch's results are not awaited before it returns */
  readonly onBatch: (b: StreamedBatch) => void | Promise<void>;
  /** checked between batches: true stops the stream after the batch in hand */
  readonly shouldStop?: () => boolean;
}

/** Send load and fetch requests in one order that keeps both directions of the link busy. */
function interleave(loads: LinkJob<void>[], fetches: LinkJob<void>[]): { loaded: Promise<void>[]; fetched: Promise<void>[] } {
  const loaded: Promise<void>[] = [];
  const fetched: Promise<void>[] = [];
  let toBoard = 0;
  let toHost = 0;
  while (loaded.length < loads.length || fetched.length < fetches.length) {
    const takeLoad = fetched.length >= fetches.length || (loaded.length < loads.length && toBoard < toHost);
    const job = (takeLoad ? loads[loaded.length] : fetches[fetched.length]) as LinkJob<void>;
    toBoard += job.bytesToBoard;
    toHost += job.bytesToHost;
    (takeLoad ? loaded : fetched).push(job.send());
  }
  return { loaded, fetched };
}

/** Stream vectors [startVector, source.rows) of a source. Resolves when every batch is handled. */
export async function streamBatches(client: BoardClient, source: VectorSource, options: StreamOptions): Promise<void> {
  const { vectorCapacity } = client.capabilities;
  const count = source.rows;
  const size = Math.min(options.batchVectors, Math.floor(vectorCapacity / 2));
  if (size < 1) throw new RangeError('the board has no room for two batches');
  const repeat = options.repeat ?? 1;
  const start = options.startVector ?? 0;
  const batches = Math.ceil((count - start) / size);
  if (batches <= 0) return;
  const firstId = options.firstBatchId ?? 1;
  const slotOf = (k: number) => (k % 2) * size;
  const firstOf = (k: number) => start + k * size;
  const countOf = (k: number) => Math.min(size, count - firstOf(k));
  // read in order, once: batch k+1 is read while batch k's results come back
  const batchVectors: Int32Array[] = [];
  const loadsOf = (k: number) => {
    batchVectors[k] = source.read(firstOf(k), countOf(k));
    return client.vectorLoads(slotOf(k), batchVectors[k] as Int32Array, countOf(k));
  };

  await Promise.all(loadsOf(0).map((j) => j.send()));
  let running: Promise<RunReport> = client.run(firstId, slotOf(0), countOf(0), repeat);
  for (let k = 0; k < batches; k++) {
    const report = await running;
    const n = countOf(k);
    const results = allocateResultBlock(0, n * repeat, options.layout.outputs, options.layout.planes);
    const fetches = client.resultFetches(firstId + k, 0, n * repeat, options.layout, results);
    const more = k + 1 < batches && !(options.shouldStop?.() ?? false);
    const loads = more ? loadsOf(k + 1) : [];
    const { loaded, fetched } = interleave(loads, fetches);
    // the next burst starts once its vectors are on the board; it queues behind this batch's fetches
    if (more) {
      running = Promise.all(loaded).then(() => client.run(firstId + k + 1, slotOf(k + 1), countOf(k + 1), repeat));
      running.catch(() => undefined); // a failure surfaces when the run is awaited, not as unhandled
    }
    await Promise.all(fetched);
    const vectors = batchVectors[k] as Int32Array;
    delete batchVectors[k];
    await options.onBatch({ batch: firstId + k, first: firstOf(k), count: n, report, results, vectors });
    if (!more) return;
  }
}
