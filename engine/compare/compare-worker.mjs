// A comparison thread's entry: TypeScript through tsx's loader, as the store's writer thread does.
import { register } from 'tsx/esm/api';

register();
await import('./compare-thread.ts');
