// Benchmark of the reference model: vectors per second of the fast model (default profile, osa
// mode, relu workload, one thread) with each kernel, against the plain oracle in the same process.
import { createDieModel, type DieModel } from '../shared/model/evaluator';
import { rowSlice } from '../shared/model/matrix';
import { DEFAULT_PROFILE } from '../shared/model/profile';
import { generateWorkload } from '../shared/workload/generators';
import { oracleMac } from '../test/model/oracle';
import { median, report, timeIt } from './report';

const RUNS = 5;

export function benchModel(args: { vectors: number; oracleVectors: number }): void {
  const p = DEFAULT_PROFILE;
  const w = generateWorkload(p, { kind: 'relu', vectors: args.vectors, seed: 1 });
  const rate = (model: DieModel, codes: boolean) => {
    model.evaluate(rowSlice(w.vectors, 0, 2000), { mode: 'osa' }, { codes }); // warm the JIT
    const rates = Array.from({ length: RUNS }, () => args.vectors / timeIt(() => model.evaluate(w.vectors, { mode: 'osa' }, { codes })));
    return { median: median(rates), best: Math.max(...rates) };
  };
  const wasm = createDieModel(p, w.weights, { kernel: 'wasm' });
  if (wasm.kernel !== 'wasm') throw new Error('the WebAssembly kernel is not available in this runtime');
  const wasmRate = rate(wasm, false);
  const wasmCodes = rate(wasm, true);
  const jsRate = rate(createDieModel(p, w.weights, { kernel: 'js' }), false);

  const columns = Array.from({ length: p.outputs }, (_, m) => Array.from({ length: p.rows }, (_, r) => w.weights.data[r * p.outputs + m] as number));
  const oracleRun = () => {
    for (let v = 0; v < args.oracleVectors; v++) {
      const x = Array.from(w.vectors.data.subarray(v * p.rows, (v + 1) * p.rows));
      for (let m = 0; m < p.outputs; m++) oracleMac(p, x, columns[m] as number[], { mode: 'osa' });
    }
  };
  oracleRun();
  const oracle = median(Array.from({ length: 3 }, () => args.oracleVectors / timeIt(oracleRun)));

  report('model', [
    ['fast model, wasm kernel (vectors/s, median)', wasmRate.median, `best ${Math.round(wasmRate.best)}; ${args.vectors} relu vectors, osa, one thread`],
    ['fast model, wasm kernel, with ADC codes (vectors/s)', wasmCodes.median, 'per-plane codes out as well'],
    ['fast model, js kernel (vectors/s, median)', jsRate.median, `best ${Math.round(jsRate.best)}; the fallback without WebAssembly`],
    ['oracle (vectors/s)', oracle, `${args.oracleVectors} vectors`],
    ['wasm / oracle', wasmRate.median / oracle, 'x'],
    ['js / oracle', jsRate.median / oracle, 'x'],
    ['target 200,000 vectors/s', 200_000, wasmRate.median >= 200_000 ? 'met' : 'NOT met'],
    ['target 30x the oracle', 30, wasmRate.median / oracle >= 30 ? 'met' : 'NOT met'],
  ]);
}
