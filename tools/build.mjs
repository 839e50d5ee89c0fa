// npm run build (also run by `npm ci`, through `prepare`, and by `npm test`): the CLI compiled
// ahead of time, so `osa-bench` starts without compiling TypeScript. esbuild bundles cli/main.ts
// into ES modules under dist/cli/<hash>/, one chunk per dynamically imported module, so a command
// loads only what it uses; node_modules stay outside the bundle.
//
// dist/cli/build.json names the build and lists every source it was built from with its size and
// mtime: bin/osa-bench.mjs runs the build only while all of them are unchanged, and the sources
// through tsx otherwise, so an edited source is never masked by old compiled code. A build lives
// in its own folder and build.json is replaced in one rename, so a rebuild never pulls files from
// under an osa-bench that is running (the last few builds are kept).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist/cli');
const KEEP = 3;
/** Besides the bundled sources, what the output depends on. */
const CONFIG = ['tools/build.mjs', 'tsconfig.json', 'tsconfig.base.json', 'shared/tsconfig.json'];

/**
 * `import.meta.url` as in the source file, so a path found from it (migrations/, package.json,
 * the writer thread's entry) is the same whether the source runs or its build does.
 */
const sourceMetaUrl = (outdir) => ({
  name: 'source-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
      if (/[\\/]node_modules[\\/]/.test(args.path)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta')) return undefined;
      const other = /import\.meta\.(?!url\b)\w+/.exec(text);
      if (other) throw new Error(`${relative(ROOT, args.path)}: ${other[0]} is not mapped to the source in the build (tools/build.mjs); use import.meta.url`);
      const rel = relative(outdir, args.path).split('\\').join('/');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'ts' };
    });
  },
});

/** The packages every start loads (statically imported by the entry's chunks), for `npm run bench -- startup`. */
function startupPackages(metafile) {
  const entry = Object.keys(metafile.outputs).find((f) => metafile.outputs[f].entryPoint?.endsWith('cli/main.ts'));
  const seen = new Set();
  const packages = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of metafile.outputs[file].imports) {
      if (i.kind !== 'import-statement') continue;
      if (!i.external) visit(i.path);
      else if (!i.path.startsWith('node:')) packages.add(i.path.startsWith('@') ? i.path.split('/').slice(0, 2).join('/') : i.path.split('/')[0]);
    }
  };
  visit(entry);
  return [...packages].sort();
}

const started = Date.now();
mkdirSync(DIST, { recursive: true });
const tmp = join(DIST, `.tmp-${process.pid}`);
rmSync(tmp, { recursive: true, force: true });
// the plugin writes paths relative to where the build will live: dist/cli/<hash>/ is as deep as tmp
const result = await build({
  // the worker threads' modules too: a thread of a built osa-bench starts without tsx (about a
  // second of a core each); engine/threads/thread-entry.mjs picks them where bin/osa-bench.mjs says,
  // by name (engine/threads/engine-thread.ts ENGINE_THREADS)
  entryPoints: {
    main: join(ROOT, 'cli/main.ts'),
    'block-writer-thread': join(ROOT, 'engine/store/block-writer-thread.ts'),
    'compare-thread': join(ROOT, 'engine/compare/compare-thread.ts'),
    'export-worker-thread': join(ROOT, 'engine/export/export-worker-thread.ts'),
    'import-thread': join(ROOT, 'engine/service/import-thread.ts'),
  },
  outdir: tmp,
  absWorkingDir: ROOT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  outExtension: { '.js': '.mjs' },
  chunkNames: '[name]-[hash]',
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  plugins: [sourceMetaUrl(tmp)],
});

const hash = createHash('sha256');
for (const name of readdirSync(tmp).sort())
  hash
    .update(name)
    .update('\0')
    .update(readFileSync(join(tmp, name)));
const id = hash.digest('hex').slice(0, 16);
const outdir = join(DIST, id);
if (existsSync(outdir)) rmSync(tmp, { recursive: true });
else renameSync(tmp, outdir);

// A source changed while it was read may have been read before the change: its entry is left
// unmatched, so the build is taken for stale at once.
const inputs = {};
for (const file of [...Object.keys(result.metafile.inputs).map((p) => relative(ROOT, resolve(ROOT, p)).split('\\').join('/')), ...CONFIG].sort()) {
  const s = statSync(join(ROOT, file));
  inputs[file] = s.mtimeMs < started ? [s.size, s.mtimeMs] : [s.size, -1];
}
const manifest = join(DIST, 'build.json');
const startup = startupPackages(result.metafile);
writeFileSync(`${manifest}.${process.pid}`, `${JSON.stringify({ main: `${id}/main.mjs`, builtAt: new Date(started).toISOString(), startup, inputs })}\n`);
renameSync(`${manifest}.${process.pid}`, manifest);

// keep the newest few builds: an osa-bench started from one may still load its chunks
const builds = readdirSync(DIST, { withFileTypes: true })
  .filter((e) => e.isDirectory() && e.name !== id && !e.name.startsWith('.'))
  .map((e) => ({ name: e.name, t: statSync(join(DIST, e.name)).mtimeMs }))
  .sort((a, b) => b.t - a.t);
for (const old of builds.slice(KEEP - 1)) rmSync(join(DIST, old.name), { recursive: true, force: true });

console.log(`osa-bench built: dist/cli/${id} from ${Object.keys(inputs).length} files in ${Date.now() - started} ms`);

// ---- The renderer: renderer/ built by Vite into dist/renderer (served by `osa-bench serve`, loaded
// by the desktop shell). Skipped when nothing it is built from changed: the hash of its sources,
// shared/ (it imports the API contract and the model's names), the lock file and its config is
// kept beside the output. A production install without Vite (no devDependencies) keeps whatever
// build it has.
async function buildRenderer() {
  const t0 = Date.now();
  const out = join(ROOT, 'dist/renderer');
  const stampFile = join(ROOT, 'dist/renderer.build.json');
  const files = [];
  const walk = (dir) => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.isFile()) files.push(rel);
    }
  };
  walk('renderer');
  walk('shared');
  files.push('package-lock.json', 'tsconfig.base.json', 'tools/build.mjs');
  const h = createHash('sha256');
  for (const f of files.sort()) {
    const path = join(ROOT, f);
    if (existsSync(path)) h.update(f).update('\0').update(readFileSync(path)).update('\0');
  }
  const sources = h.digest('hex');
  let previous = null;
  try {
    previous = JSON.parse(readFileSync(stampFile, 'utf8')).sources;
  } catch {
    // no build yet
  }
  if (previous === sources && existsSync(join(out, 'index.html'))) {
    console.log(`renderer unchanged: dist/renderer (${files.length} sources checked in ${Date.now() - t0} ms)`);
    return;
  }
  let vite;
  try {
    vite = await import('vite');
  } catch {
    console.log('renderer not built: Vite is not installed (an install without devDependencies)');
    return;
  }
  await vite.build({ configFile: join(ROOT, 'renderer/vite.config.ts'), logLevel: 'warn' });
  writeFileSync(`${stampFile}.${process.pid}`, `${JSON.stringify({ sources, builtAt: new Date().toISOString() })}\n`);
  renameSync(`${stampFile}.${process.pid}`, stampFile);
  console.log(`renderer built: dist/renderer in ${Date.now() - t0} ms`);
}

await buildRenderer();
