// npm run build:shell: the desktop shell's main process and preload bundled for Electron
// (CommonJS, as Electron loads them; `electron` stays outside the bundle). The engine is not in
// them: main starts `osa-bench serve` as a child process.
import { build } from 'esbuild';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const started = Date.now();
await build({
  entryPoints: { main: resolve(ROOT, 'electron/main.ts'), preload: resolve(ROOT, 'electron/preload.ts') },
  outdir: resolve(ROOT, 'dist/electron'),
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['electron'],
  sourcemap: true,
  logLevel: 'warning',
});
console.log(`osa-bench shell built: dist/electron/{main,preload}.cjs in ${Date.now() - started} ms`);
