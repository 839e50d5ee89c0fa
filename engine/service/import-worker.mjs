// A large stimulus import's thread entry (stimulus-import.ts): its built module when the osa-bench that starts it runs its build
// (bin/osa-bench.mjs names the build's folder in OSA_BENCH_BUILD), else the TypeScript through tsx's loader.
import { pathToFileURL } from 'node:url';

const built = process.env.OSA_BENCH_BUILD;
if (built) {
  await import(new URL('import-thread.mjs', pathToFileURL(`${built}/`)).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./import-thread.ts');
}
