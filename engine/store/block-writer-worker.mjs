// The writer thread's entry: TypeScript through tsx's loader, as in bin/osa-bench.mjs.
import { register } from 'tsx/esm/api';

register();
await import('./block-writer-thread.ts');
