// The Parquet export's encoder thread's entry: TypeScript through tsx's loader, as in
// engine/store/block-writer-worker.mjs (the built CLI starts this file from the sources too).
import { register } from 'tsx/esm/api';

register();
await import('./export-worker-thread.ts');
