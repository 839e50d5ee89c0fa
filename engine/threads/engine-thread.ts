// The engine's worker threads, each started through one entry (thread-entry.mjs), which runs the
// module's build or its TypeScript. A packaged app keeps that entry outside the asar, beside the
// built engine (electron-builder.yml); test/tools/worker-entries.test.ts checks both places.
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The modules under engine/ that run as threads; each is an entry of tools/build.mjs under its own name. */
export const ENGINE_THREADS = ['store/block-writer-thread', 'compare/compare-thread', 'export/export-worker-thread', 'service/import-thread'] as const;
export type EngineThread = (typeof ENGINE_THREADS)[number];

/** Start `module` in a thread of its own. */
export function startEngineThread(module: EngineThread, options: Omit<WorkerOptions, 'argv'> = {}): Worker {
  return new Worker(new URL('./thread-entry.mjs', import.meta.url), { ...options, argv: [module] });
}
