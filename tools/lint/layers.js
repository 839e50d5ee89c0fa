// ESLint rule `osa/layers`: who may import whom (docs/architecture.md), in the spirit of
// VS Code's layering rule. A layer is the top-level folder of a file. Relative imports must
// land in an allowed layer; bare imports are checked for Node built-ins, native modules and
// `electron`, each of which only some layers may use.
import { isBuiltin } from 'node:module';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Native modules: they need Node (and the right ABI), never in shared/ or the renderer. */
const NATIVE = [/^better-sqlite3$/, /^serialport$/, /^@serialport\//];

/**
 * layer -> { layers it may import, whether it may use Node built-ins and native modules }.
 * `electron` may be imported by the electron layer only; no layer but electron may import it.
 */
export const LAYERS = {
  shared: { may: ['shared'], node: false },
  drivers: { may: ['shared', 'drivers'], node: true },
  engine: { may: ['shared', 'drivers', 'engine', 'migrations'], node: true },
  cli: { may: ['shared', 'drivers', 'engine', 'cli'], node: true },
  renderer: { may: ['shared', 'renderer'], node: false },
  electron: { may: ['shared', 'engine', 'drivers', 'electron'], node: true, electron: true },
  bench: { may: ['shared', 'drivers', 'engine', 'cli', 'bench', 'test'], node: true },
  test: { may: ['shared', 'drivers', 'engine', 'cli', 'renderer', 'test', 'bench', 'migrations', 'tools'], node: true },
  tools: { may: ['shared', 'tools'], node: true },
  bin: { may: ['cli', 'bin'], node: true },
};

function layerOf(absPath) {
  const rel = path.relative(ROOT, absPath);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  const top = rel.split(path.sep)[0];
  return top in LAYERS ? top : null;
}

function check(context, node, specifier) {
  if (typeof specifier !== 'string') return;
  const file = context.filename;
  const from = layerOf(file);
  if (!from) return;
  const rule = LAYERS[from];
  const report = (message) => context.report({ node, message: `${from}/ ${message}` });

  if (specifier.startsWith('.')) {
    const target = layerOf(path.resolve(path.dirname(file), specifier));
    if (target && target !== from && !rule.may.includes(target)) {
      report(`must not import ${target}/ ('${specifier}'); it may import ${rule.may.join(', ')}`);
    }
    return;
  }
  if (specifier === 'electron' || specifier.startsWith('electron/')) {
    if (!rule.electron) report(`must not import 'electron': only electron/ may (it downloads its binary on first use)`);
    return;
  }
  if (!rule.node && isBuiltin(specifier)) report(`must not import the Node built-in '${specifier}': it is pure TypeScript`);
  if (!rule.node && NATIVE.some((re) => re.test(specifier))) report(`must not import the native module '${specifier}'`);
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
