// Runs in the writer thread: commits each block it is sent, in order, on its own connection.
import { parentPort, workerData } from 'node:worker_threads';
import type { WireLines } from '../../drivers/transport/recording';
import { openDatabase, type OpenOptions } from './open-store';
import { RunStore, type StoredBlock } from './run-store';
import { StoreError } from './store-error';

const { path, options } = workerData as { path: string; options: OpenOptions };
const store = new RunStore(openDatabase(path, options), path);

parentPort?.on('message', (m: { runId: number; block: StoredBlock; wire: WireLines | null }) => {
  try {
    store.commitBlock(m.runId, m.block, m.wire);
    parentPort?.postMessage({ kind: 'committed' });
  } catch (e) {
    parentPort?.postMessage({ kind: 'error', message: e instanceof StoreError ? e.reason : (e as Error).message });
  }
});
