import type { Command } from 'commander';
import { MAX_WORKLOAD_VECTORS, WORKLOAD_KINDS, type WorkloadKind } from '../../shared/workload/generators';
import { writeChunk, type CliIo } from '../io';
import { integerIn, oneOf } from '../options';

interface WorkloadOptions {
  kind: WorkloadKind;
  vectors: number;
  seed: number;
  outVectors: string;
  outWeights: string;
  profile?: string;
}

export function addWorkloadCommand(program: Command, io: CliIo): void {
  program
    .command('workload')
    .description('generate a standard weight set and vector set (spec section 6), as .csv or .npy by extension')
    .requiredOption('--kind <kind>', `workload: ${WORKLOAD_KINDS.join(', ')}`, oneOf(WORKLOAD_KINDS))
    .requiredOption('--vectors <T>', 'number of vectors', integerIn(1, MAX_WORKLOAD_VECTORS))
    .option('--seed <S>', 'PRNG seed (integer)', integerIn(0, Number.MAX_SAFE_INTEGER), 1)
    .requiredOption('--out-vectors <file>', 'where to write the vectors (T x N)')
    .requiredOption('--out-weights <file>', 'where to write the weights (N x M)')
    .option('--profile <file>', 'die profile JSON (default: the spec defaults)')
    .action(async (o: WorkloadOptions) => {
      // the generators' hashes and the file writers: loaded when the command runs, not at every start
      const [{ loadProfile }, { writeMatrixFile }, { generateWorkload }] = await Promise.all([
        import('../../engine/files/profile-file'),
        import('../../engine/files/matrix-files'),
        import('../../shared/workload/generators'),
      ]);
      const profile = await loadProfile(o.profile);
      const w = generateWorkload(profile, { kind: o.kind, vectors: o.vectors, seed: o.seed });
      const provenance = `osa-bench workload --kind ${o.kind} --vectors ${o.vectors} --seed ${o.seed}`;
      await writeMatrixFile(o.outWeights, w.weights, `${provenance} (weights ${profile.rows} x ${profile.outputs})`);
      await writeMatrixFile(o.outVectors, w.vectors, `${provenance} (vectors ${o.vectors} x ${profile.rows})`);
      const report = { ...w.spec, vectorsFile: o.outVectors, weightsFile: o.outWeights, vectorsHash: w.vectorsHash, weightsHash: w.weightsHash };
      await writeChunk(io.stdout, `${JSON.stringify(report)}\n`);
    });
}
