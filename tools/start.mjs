// npm start: the desktop app where Electron's binary is installed; where it is not (it is fetched
// on first use, and some machines cannot fetch it), the same UI in web mode: the engine serves it
// and prints the address to open. Nothing here requires 'electron', which would start a download.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const ELECTRON = join(ROOT, 'node_modules', 'electron');

/** The Electron binary, if it is installed (the same lookup as electron's index.js, without its download). */
function electronBinary() {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pathFile = join(ELECTRON, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (override) return join(override, name ?? 'electron');
  if (!name) return null;
  const binary = join(ELECTRON, 'dist', name);
  return existsSync(binary) ? binary : null;
}

/** Build what is missing (a fresh checkout that skipped `npm ci`'s prepare step). */
function ensureBuilt(files) {
  if (files.every((f) => existsSync(join(ROOT, f)))) return;
  // under `npm start`, npm names itself; run directly, the npm on the PATH
  const npm = process.env.npm_execpath;
  const r = npm
    ? spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: ROOT, stdio: 'inherit' })
    : spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const web = process.argv.includes('--web') || process.env.OSA_BENCH_WEB === '1';
const binary = web ? null : electronBinary();
const forward = (child) => {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
};

if (binary) {
  ensureBuilt(['dist/electron/main.cjs', 'dist/renderer/index.html']);
  console.log('osa-bench: starting the desktop app (the simulated board is ready under Connect)');
  forward(spawn(binary, [ROOT], { stdio: 'inherit' }));
} else {
  ensureBuilt(['dist/renderer/index.html']);
  const why = web ? 'web mode asked for' : "Electron's binary is not installed here (it is downloaded on first use, and this machine cannot download it)";
  console.log(`osa-bench: ${why}: serving the same UI in web mode. Open the address below in a browser; the simulated board is ready under Connect. Ctrl-C stops.`);
  const args = [join(ROOT, 'bin/osa-bench.mjs'), 'serve', ...process.argv.slice(2).filter((a) => a !== '--web')];
  forward(spawn(process.execPath, args, { stdio: 'inherit' }));
}
