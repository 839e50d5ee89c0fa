#!/usr/bin/env node
// The osa-bench command. The sources are TypeScript, compiled ahead of time by `npm run build`
// (which `npm ci` and `npm test` run) into dist/cli/. That build runs only while every source it
// was built from is as it was (size and mtime, listed in dist/cli/build.json: about a hundred
// stat calls); otherwise, or without a build, the sources run through tsx's loader, as they did
// before there was a build, so an edited source is never shadowed by old compiled code.
// OSA_BENCH_FROM_SOURCE=1 runs the sources whatever the build.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);

/** The build's entry, if it is the build of the sources as they are now. */
function freshBuild() {
  if (process.env.OSA_BENCH_FROM_SOURCE === '1') return null;
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(new URL('dist/cli/build.json', root), 'utf8'));
  } catch {
    return null; // not built (npm ci --ignore-scripts, a fresh clone before npm ci)
  }
  for (const [file, [size, mtimeMs]] of Object.entries(manifest.inputs)) {
    const s = statSync(new URL(file, root), { throwIfNoEntry: false });
    if (s?.size !== size || s.mtimeMs !== mtimeMs) return null;
  }
  return new URL(`dist/cli/${manifest.main}`, root);
}

const build = freshBuild();
if (build) {
  if (process.env.OSA_BENCH_DEBUG) process.setSourceMapsEnabled(true); // stacks name the .ts sources
  // where the worker threads' built modules are (engine/*/*-worker.mjs; threads inherit the environment)
  process.env.OSA_BENCH_BUILD = fileURLToPath(new URL('.', build));
  await import(build.href);
} else {
  delete process.env.OSA_BENCH_BUILD;
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
