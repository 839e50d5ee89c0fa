// Who commits a run's blocks. In a worker thread, SQLite's synchronous writes run on the second
// core while the main thread keeps the link busy; inline, in the caller's thread (for tests and
// where workers cannot run). Both keep the order of blocks and fail loudly.
import { startEngineThread } from '../threads/engine-thread';
import type { RunStore, StoredBlock } from './run-store';
import type { WireLines } from '../../drivers/transport/recording';
import type { OpenOptions } from './open-store';
import { StoreError } from './store-error';

export interface BlockWriter {
  /**
   * Queue a block; resolves once the queue has room again (back-pressure). Rejects after a failed
   * commit. `onCommitted` is called once the block is in the database, blocks in order.
   */
  write(runId: number, block: StoredBlock, wire: WireLines | null, onCommitted?: () => void): Promise<void>;
  /** Resolves when every queued block is committed. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function inlineBlockWriter(store: RunStore): BlockWriter {
  return {
    // a failed commit throws in the executor: the promise rejects with it
    write: (runId, block, wire, onCommitted) =>
      new Promise<void>((resolve) => {
        store.commitBlock(runId, block, wire);
        onCommitted?.();
        resolve();
      }),
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

type Reply = { kind: 'committed' } | { kind: 'error'; message: string };

const MAX_QUEUED = 4;

function transferables(b: StoredBlock): ArrayBuffer[] {
  const views = [b.digital, b.saliency, b.level, b.codes];
  return [...new Set(views.map((v) => v.buffer as ArrayBuffer))];
}

/** A writer thread with its own connection to the database at `path`. */
export function workerBlockWriter(path: string, options: OpenOptions = {}): BlockWriter {
  const worker = startEngineThread('store/block-writer-thread', { workerData: { path, options } });
  let queued = 0;
  // the thread commits in order and answers each block once: the oldest callback is the one answered
  const committed: (() => void)[] = [];
  let failure: Error | null = null;
  let waiters: (() => void)[] = [];
  const wake = () => {
    const w = waiters;
    waiters = [];
    w.forEach((fn) => fn());
  };
  worker.on('message', (r: Reply) => {
    queued--;
    const onCommitted = committed.shift();
    if (r.kind === 'error') failure ??= new StoreError(path, r.message);
    else onCommitted?.();
    wake();
  });
  worker.on('error', (e) => {
    failure ??= new StoreError(path, `the writer thread failed: ${e.message}`);
    queued = 0;
    wake();
  });
  const until = (ready: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (failure) return reject(failure);
        if (ready()) return resolve();
        waiters.push(check);
      };
      check();
    });
  return {
    async write(runId, block, wire, onCommitted) {
      if (failure) throw failure;
      queued++;
      committed.push(onCommitted ?? (() => undefined));
      worker.postMessage({ runId, block, wire }, transferables(block));
      await until(() => queued < MAX_QUEUED);
    },
    flush: () => until(() => queued === 0),
    async close() {
      await until(() => queued === 0).catch(() => undefined);
      await worker.terminate();
    },
  };
}
