// ESLint rule `osa/layers`: who may import whom (docs/architecture.md), in the spirit of
// VS Code's layering rule. A layer is the top-level folder of a file. Relative and absolute
// imports must land in an allowed layer; bare imports are checked for Node built-ins, native
// modules, `electron` and, in shared/, an allow-list of pure packages. The rule fails closed: a
// file in a folder it does not know, or an import that leaves the repository, is an error.
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Native modules, by package: they need Node (and the right ABI), never in shared/ or the renderer. */
const NATIVE = [/^better-sqlite3$/, /^serialport$/, /^@serialport\//];

/**
 * layer -> { layers it may import, whether it may use Node built-ins and native modules, the only
 * npm packages it may use (when listed) }. `electron` may be imported by the electron layer only.
 * '' is the repository's root (its config files).
 */
export const LAYERS = {
  '': { may: ['tools'], node: true },
  shared: { may: ['shared'], node: false, packages: ['zod', '@noble/hashes'] },
  drivers: { may: ['shared', 'drivers'], node: true },
  engine: { may: ['shared', 'drivers', 'engine', 'migrations'], node: true },
  cli: { may: ['shared', 'drivers', 'engine', 'cli'], node: true },
  // the UI's own packages (vite and its Vue plugin for renderer/vite.config.ts); .vue files too
  renderer: { may: ['shared', 'renderer'], node: false, packages: ['vue', 'pinia', 'chart.js', 'zod', '@noble/hashes', 'vite', '@vitejs/plugin-vue'] },
  electron: { may: ['shared', 'engine', 'drivers', 'shell', 'electron'], node: true, electron: true },
  // the desktop shell's wiring, Electron-free: it takes the Electron API as an argument
  shell: { may: ['shared', 'shell'], node: true },
  bench: { may: ['shared', 'drivers', 'engine', 'cli', 'bench', 'test'], node: true },
  test: { may: ['shared', 'drivers', 'engine', 'cli', 'renderer', 'shell', 'test', 'bench', 'migrations', 'tools', 'bin'], node: true },
  tools: { may: ['shared', 'tools'], node: true },
  bin: { may: ['cli', 'bin'], node: true },
};

/** The layer of a path: its top-level folder ('' at the root), or undefined outside the repository. */
function layerOf(absPath) {
  const rel = path.relative(ROOT, absPath);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const parts = rel.split(path.sep);
  return parts.length === 1 ? '' : parts[0];
}

/** The npm package a bare specifier names: `@scope/name` or `name`, whatever path follows. */
function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function check(context, node, specifier) {
  if (typeof specifier !== 'string') return;
  const file = context.filename;
  const from = layerOf(file);
  if (from === undefined) return;
  const report = (message) => context.report({ node, message: `${from || '(root)'}/ ${message}` });
  const rule = LAYERS[from];
  if (!rule) return report(`is not a layer of docs/architecture.md: add '${from}' to LAYERS in tools/lint/layers.js, with what it may import`);

  const local = specifier.startsWith('.')
    ? path.resolve(path.dirname(file), specifier)
    : specifier.startsWith('/')
      ? specifier
      : specifier.startsWith('file:')
        ? fileURLToPath(specifier)
        : null;
  if (local !== null) {
    const target = layerOf(local);
    if (target === undefined) return report(`must not import '${specifier}': it is outside the repository`);
    if (target !== from && !rule.may.includes(target)) report(`must not import ${target || '(root)'}/ ('${specifier}'); it may import ${rule.may.join(', ')}`);
    return;
  }
  if (specifier === 'electron' || specifier.startsWith('electron/')) {
    if (!rule.electron) report(`must not import 'electron': only electron/ may (it downloads its binary on first use)`);
    return;
  }
  const pkg = packageOf(specifier);
  if (!rule.node && isBuiltin(specifier)) return report(`must not import the Node built-in '${specifier}': it is pure TypeScript`);
  if (!rule.node && NATIVE.some((re) => re.test(pkg))) return report(`must not import the native module '${specifier}'`);
  if (rule.packages && !isBuiltin(specifier) && !rule.packages.includes(pkg)) report(`may use only the packages ${rule.packages.join(', ')}, not '${pkg}'`);
}

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'enforce the layers of docs/architecture.md' },
    schema: [],
  },
  create(context) {
    return {
      ImportDeclaration: (node) => check(context, node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(context, node, node.source.value),
      ExportAllDeclaration: (node) => check(context, node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(context, node, node.source.value),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          check(context, node, node.arguments[0].value);
        }
      },
    };
  },
};

export default { rules: { layers: layersRule } };
