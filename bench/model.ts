// Benchmark of the reference model: vectors per second of the fast model (default profile, osa
// mode, relu workload, one thread) and its ratio against the plain oracle, in the same process.
import { createDieModel } from '../shared/model/evaluator';
import { rowSlice } from '../shared/model/matrix';
import { DEFAULT_PROFILE } from '../shared/model/profile';
import { generateWorkload } from '../shared/workload/generators';
import { oracleMac } from '../test/model/oracle';
import { median, report, timeIt } from './report';

export function benchModel(args: { vectors: number; oracleVectors: number }): void {
  const p = DEFAULT_PROFILE;
  const w = generateWorkload(p, { kind: 'relu', vectors: args.vectors, seed: 1 });
  const model = createDieModel(p, w.weights);
  model.evaluate(rowSlice(w.vectors, 0, 2000), { mode: 'osa' }); // warm the JIT

  const fast = median([1, 2, 3].map(() => args.vectors / timeIt(() => model.evaluate(w.vectors, { mode: 'osa' }))));
  const fastCodes = median([1, 2, 3].map(() => args.vectors / timeIt(() => model.evaluate(w.vectors, { mode: 'osa' }, { codes: true }))));

  const columns = Array.from({ length: p.outputs }, (_, m) => Array.from({ length: p.rows }, (_, r) => w.weights.data[r * p.outputs + m] as number));
  const oracleRun = () => {
    for (let v = 0; v < args.oracleVectors; v++) {
      const x = Array.from(w.vectors.data.subarray(v * p.rows, (v + 1) * p.rows));
      for (let m = 0; m < p.outputs; m++) oracleMac(p, x, columns[m] as number[], { mode: 'osa' });
    }
  };
  oracleRun();
  const oracle = median([1, 2, 3].map(() => args.oracleVectors / timeIt(oracleRun)));

  report('model', [
    ['fast model, osa, relu (vectors/s)', fast, `${args.vectors} vectors, one thread`],
    ['fast model with per-plane ADC codes (vectors/s)', fastCodes, ''],
    ['oracle (vectors/s)', oracle, `${args.oracleVectors} vectors`],
    ['fast / oracle', fast / oracle, 'x'],
    ['target: vectors/s', 200_000, fast >= 200_000 ? 'met' : 'NOT met'],
    ['target: fast / oracle', 30, fast / oracle >= 30 ? 'met' : 'NOT met'],
  ]);
}
