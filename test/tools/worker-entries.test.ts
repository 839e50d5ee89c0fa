// Every worker thread the engine starts can start where the engine runs: from the sources, from
// the build (its module is an entry of tools/build.mjs) and in the packaged app (its entry file is
// packed by electron-builder.yml and kept out of the asar, beside dist/cli, which the built code
// finds it from). The installers cannot be built here (no Electron binary), so this is the check.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)).split('\\').join('/'));
}

/** The entry file of each `new Worker(new URL('./x.mjs', import.meta.url))`, from the repository's root. */
const workerEntries = ['engine', 'drivers', 'cli'].flatMap(sources).flatMap((file) =>
  [...readFileSync(join(root, file), 'utf8').matchAll(/new Worker\(new URL\('\.\/([\w.-]+)', import\.meta\.url\)/g)].map((m) => ({
    file,
    entry: `${file.slice(0, file.lastIndexOf('/'))}/${m[1]}`,
  })),
);

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

describe('worker threads', () => {
  it('the engine starts some (the block writer, comparisons, the export, large imports)', () => {
    expect(workerEntries.map((w) => w.entry)).toEqual(
      expect.arrayContaining([
        'engine/store/block-writer-worker.mjs',
        'engine/compare/compare-worker.mjs',
        'engine/export/export-worker.mjs',
        'engine/service/import-worker.mjs',
      ]),
    );
  });

  it.each(workerEntries.map((w) => [w.entry, w.file]))(
    '%s (started by %s) exists, its built module is a build entry, and the app packs it outside the asar',
    (entry) => {
      expect(existsSync(join(root, entry))).toBe(true);
      const shim = readFileSync(join(root, entry), 'utf8');
      const built = /new URL\('([\w-]+)\.mjs', pathToFileURL/.exec(shim)?.[1];
      expect(built, `${entry} names no built module`).toBeDefined();
      expect(readFileSync(join(root, 'tools/build.mjs'), 'utf8')).toContain(`'${built}': join(ROOT, `);
      expect(packed(entry, builderList('files')), 'in files').toBe(true);
      expect(packed(entry, builderList('asarUnpack')), 'in asarUnpack').toBe(true);
    },
  );

  it('the glob reading is the one electron-builder makes of these lists', () => {
    expect(packed('dist/cli/abc/main.mjs', ['dist/cli/**'])).toBe(true);
    expect(packed('dist/cli/abc/main.mjs.map', ['dist/cli/**', '!**/*.map'])).toBe(false);
    expect(packed('engine/store/block-writer-worker.mjs', ['engine/**/*-worker.mjs'])).toBe(true);
    expect(packed('engine/store/block-writer.ts', ['engine/**/*-worker.mjs'])).toBe(false);
  });
});
