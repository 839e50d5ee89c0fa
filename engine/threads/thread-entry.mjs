// The entry of every engine thread (engine-thread.ts): process.argv[2] names its module under
// engine/, e.g. 'store/block-writer-thread'. The module's build runs when the osa-bench that
// starts the thread runs its build (bin/osa-bench.mjs names the build's folder in
// OSA_BENCH_BUILD; tools/build.mjs builds each module as an entry of its own name), else the
// TypeScript through tsx's loader.
import { pathToFileURL } from 'node:url';

const module = process.argv[2] ?? '';
const built = process.env.OSA_BENCH_BUILD;
if (built) {
  await import(new URL(`${module.slice(module.lastIndexOf('/') + 1)}.mjs`, pathToFileURL(`${built}/`)).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL(`../${module}.ts`, import.meta.url).href);
}
