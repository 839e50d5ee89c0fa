// Streams a vector set through a board in batches, double-buffered in the board's vector memory:
// while the results of batch k come back, batch k+1 goes out, its requests interleaved with
// batch k's so that both directions of the link carry data at once. The host is then never what
// leaves the wire idle (docs/benchmarks.md, link use).
import { allocateResultBlock, type ResultBlock, type ResultLayout } from '../../shared/protocol/data-blocks';
import type { RunReport } from '../../shared/protocol/payloads';
import type { Clock } from '../../shared/clock';
import { systemClock } from '../clock';
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
  /** vectors per batch, fixed; without it batches are sized by link time (`batchSeconds`) */
  readonly batchVectors?: number;
  /** link time a batch should take when sized by time (default 1 s): progress and Ctrl-C come that often at any baud rate */
  readonly batchSeconds?: number;
  /** the most vectors one batch may hold (the board's memory bounds it too) */
  readonly maxBatchVectors?: number;
  /** measures the link time of batches sized by time (default: the system clock) */
  readonly clock?: Clock;
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

/** The first batch sized by time: small enough to show progress within seconds on a 115200-baud link. */
const FIRST_TIMED_BATCH = 16;
/** A timed batch grows at most this much over the last, so one fast batch cannot overshoot. */
const GROWTH = 4;

/**
 * Batch sizes from the link time the last batches took: about `seconds` of link each, within
 * [1, max], growing at most GROWTH-fold per batch.
 */
export class BatchSizer {
  private last: number;

  constructor(
    private readonly seconds: number,
    private readonly max: number,
    first = FIRST_TIMED_BATCH,
  ) {
    this.last = Math.max(1, Math.min(first, max));
  }

  get next(): number {
    return this.last;
  }

  /** A batch of `vectors` took `ms` of link time, in a steady pipeline. */
  observe(vectors: number, ms: number): void {
    const perSecond = (vectors * 1000) / Math.max(ms, 1);
    this.last = Math.max(1, Math.min(this.max, Math.round(perSecond * this.seconds), this.last * GROWTH));
  }
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
  const half = Math.floor(vectorCapacity / 2);
  if (half < 1) throw new RangeError('the board has no room for two batches');
  const max = Math.min(options.maxBatchVectors ?? half, half);
  const fixed = options.batchVectors === undefined ? null : Math.min(options.batchVectors, max);
  const sizer = new BatchSizer(options.batchSeconds ?? 1, max);
  const sizeNext = () => fixed ?? sizer.next;
  const repeat = options.repeat ?? 1;
  const start = options.startVector ?? 0;
  if (start >= count) return;
  const firstId = options.firstBatchId ?? 1;
  const clock = options.clock ?? systemClock;
  // batch k: its first vector and count are fixed when its vectors are read, just before they go out
  // (a handled batch's entry is cleared, so that its vectors can be collected)
  const batches: ({ first: number; count: number; vectors: Int32Array } | undefined)[] = [];
  const loadsOf = (k: number, first: number) => {
    const n = Math.min(sizeNext(), count - first);
    const vectors = source.read(first, n);
    batches[k] = { first, count: n, vectors };
    return client.vectorLoads((k % 2) * half, vectors, n);
  };

  // every request this stream has sent and not yet seen settle: on a failure the stream waits
  // for them before it returns, so that no load of its own lands on the board (a resend after a
  // reboot, say) once the caller has set the board up again and streams on
  let inFlight: Promise<unknown>[] = [];
  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight.push(p);
    return p;
  };
  try {
    let sentAt = clock.now();
    await Promise.all(loadsOf(0, start).map((j) => track(j.send())));
    let running: Promise<RunReport> = track(client.run(firstId, 0, (batches[0] as { count: number }).count, repeat));
    for (let k = 0; ; k++) {
      const report = await running;
      inFlight = [];
      const b = batches[k] as { first: number; count: number; vectors: Int32Array };
      const results = allocateResultBlock(0, b.count * repeat, options.layout.outputs, options.layout.planes);
      const fetches = client.resultFetches(firstId + k, 0, b.count * repeat, options.layout, results);
      const nextFirst = b.first + b.count;
      const more = nextFirst < count && !(options.shouldStop?.() ?? false);
      const loads = more ? loadsOf(k + 1, nextFirst) : [];
      const { loaded, fetched } = interleave(loads, fetches);
      inFlight.push(...loaded, ...fetched);
      // the next burst starts once its vectors are on the board; it queues behind this batch's fetches
      if (more) {
        const next = batches[k + 1] as { count: number };
        running = track(Promise.all(loaded).then(() => client.run(firstId + k + 1, ((k + 1) % 2) * half, next.count, repeat)));
        running.catch(() => undefined); // a failure surfaces when the run is awaited, not as unhandled
      }
      await Promise.all(fetched);
      // in a steady pipeline, the time between two batches' results is one batch's link time
      const now = clock.now();
      sizer.observe(b.count, now - sentAt);
      sentAt = now;
      batches[k] = undefined;
      await options.onBatch({ batch: firstId + k, first: b.first, count: b.count, report, results, vectors: b.vectors });
      if (!more) return;
    }
  } catch (e) {
    await Promise.allSettled(inFlight);
    throw e;
  }
}
