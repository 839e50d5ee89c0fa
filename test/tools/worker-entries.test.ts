// Every engine thread can start where the engine runs: from the sources (its module exists), from
// the build (its module is an entry of tools/build.mjs under its own name) and in the packaged app
// (the one thread entry, engine/threads/thread-entry.mjs, is packed by electron-builder.yml and kept
// out of the asar, beside dist/cli, which the built engine finds it from). The installers cannot be
// built here (no Electron binary), so this is the check; threads start from nowhere else.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENGINE_THREADS } from '../../engine/threads/engine-thread';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = 'engine/threads/thread-entry.mjs';

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.m?ts$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)).split('\\').join('/'));
}

/** The list under `key:` of electron-builder.yml (its items are plain globs, one a line, between comment lines). */
function builderList(key: string): string[] {
  const lines = readFileSync(join(root, 'electron-builder.yml'), 'utf8').split('\n');
  const at = lines.indexOf(`${key}:`);
  const items: string[] = [];
  for (let i = at + 1; at >= 0 && i < lines.length && /^\s+(- |#)/.test(lines[i] as string); i++) {
    const item = /^\s+- '?(.*?)'?$/.exec(lines[i] as string)?.[1];
    if (item !== undefined) items.push(item);
  }
  return items;
}

/** electron-builder's globs as used here: ** any folders, * within one name. */
const globToRegExp = (glob: string) =>
  new RegExp(
    `^${glob
      .split(/(\*\*\/|\*\*|\*)/)
      .map((part) => ({ '**/': '(?:.*/)?', '**': '.*', '*': '[^/]*' })[part] ?? part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('')}$`,
  );
const packed = (path: string, globs: readonly string[]) =>
  globs.filter((g) => !g.startsWith('!')).some((g) => globToRegExp(g).test(path)) &&
  !globs.filter((g) => g.startsWith('!')).some((g) => globToRegExp(g.slice(1)).test(path));

describe('engine threads', () => {
  it('start only through engine-thread.ts', () => {
    const starters = [...sources('engine'), ...sources('drivers'), ...sources('cli')].filter((f) => /new Worker\(/.test(readFileSync(join(root, f), 'utf8')));
    expect(starters).toEqual(['engine/threads/engine-thread.ts']);
  });

  it.each(ENGINE_THREADS.map((m) => [m]))('%s exists, and its build is an entry of tools/build.mjs', (module) => {
    expect(existsSync(join(root, 'engine', `${module}.ts`))).toBe(true);
    const name = module.slice(module.lastIndexOf('/') + 1);
    expect(readFileSync(join(root, 'tools/build.mjs'), 'utf8')).toContain(`'${name}': join(ROOT, 'engine/${module}.ts')`);
  });

  it('the packaged app packs their entry outside the asar', () => {
    expect(packed(ENTRY, builderList('files')), 'in files').toBe(true);
    expect(packed(ENTRY, builderList('asarUnpack')), 'in asarUnpack').toBe(true);
  });

  it('the glob reading is the one electron-builder makes of these lists', () => {
    expect(packed('dist/cli/abc/main.mjs', ['dist/cli/**'])).toBe(true);
    expect(packed('dist/cli/abc/main.mjs.map', ['dist/cli/**', '!**/*.map'])).toBe(false);
    expect(packed('engine/threads/thread-entry.mjs', ['engine/**/*.mjs'])).toBe(true);
    expect(packed('engine/threads/engine-thread.ts', ['engine/threads/*.mjs'])).toBe(false);
  });
});
