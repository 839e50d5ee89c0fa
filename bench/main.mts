// npm run bench -- [name ...]: runs the named benchmarks (all when none is named).
import { benchCodec, benchLinkUse, benchNoisy, benchRoundTrip } from './link';
import { benchModel } from './model';
import { benchModelProcess } from './model-process';
import { benchEngine, benchMemory } from './engine';
import { benchStartup } from './startup';
import { benchApi } from './api.mjs';
import { benchUi } from './ui.mjs';
import { benchExport } from './export.mjs';
import { benchCompare } from './compare.mjs';
import { benchOpenRun } from './open-run.mjs';
import { benchCsvImport } from './csv-import';

const BENCHES: Record<string, () => void | Promise<void>> = {
  model: () => {
    benchModel({ vectors: 100_000, oracleVectors: 300 });
    benchModelProcess({ sizes: [50_000, 500_000], runs: 3 });
  },
  'model-kernel': () => benchModel({ vectors: 100_000, oracleVectors: 300 }),
  'model-process': () => benchModelProcess({ sizes: [50_000, 500_000], runs: 3 }),
  codec: benchCodec,
  roundtrip: benchRoundTrip,
  'link-use': benchLinkUse,
  noisy: () => benchNoisy(),
  engine: benchEngine,
  memory: () => benchMemory(),
  startup: () => benchStartup({ runs: 11 }),
  api: benchApi,
  ui: benchUi,
  export: () => benchExport(),
  compare: () => benchCompare(),
  'open-run': () => benchOpenRun(),
  'csv-import': benchCsvImport,
};

const names = process.argv.slice(2);
const unknown = names.filter((n) => !(n in BENCHES));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
for (const name of names.length > 0 ? names : Object.keys(BENCHES)) await BENCHES[name]?.();
