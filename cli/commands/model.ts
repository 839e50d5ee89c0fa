import { Option, type Command } from 'commander';
import { loadProfile } from '../../engine/files/profile-file';
import { readVectorFile, readWeightFile } from '../../engine/files/matrix-files';
import { SummaryAccumulator } from '../../shared/analysis/summary';
import { formatMacCsv, formatMacJsonl, macCsvHeader } from '../../shared/io/mac-records';
import { evaluateInBatches } from '../../shared/model/batches';
import { createDieModel } from '../../shared/model/evaluator';
import { MODES, resolveMode, type Mode, type ModeConfig } from '../../shared/model/modes';
import { contentHash } from '../../shared/workload/content-hash';
import { writeChunk, type CliIo } from '../io';
import { integerIn, oneOf } from '../options';

interface ModelInputOptions {
  weights: string;
  vectors: string;
  profile?: string;
  mode: Mode;
  boundary?: number;
  skip?: number;
}

function withModelInputs(cmd: Command): Command {
  return cmd
    .requiredOption('--weights <file>', 'weights, N rows x M outputs (.csv or .npy)')
    .requiredOption('--vectors <file>', 'vectors, T rows x N inputs (.csv or .npy)')
    .option('--profile <file>', 'die profile JSON (default: the spec defaults)')
    .requiredOption('--mode <mode>', `mode: ${MODES.join(', ')}`, oneOf(MODES))
    .option('--boundary <b>', 'hcim: digital/analog boundary b', integerIn(0, 31))
    .option('--skip <t>', 'hcim: skip line t (default 0)', integerIn(0, 31));
}

/** Everything is read and checked before the first record is written: nothing is half-processed. */
async function loadInputs(o: ModelInputOptions) {
  const profile = await loadProfile(o.profile);
  const config: ModeConfig = { mode: o.mode, boundary: o.boundary, skip: o.skip };
  resolveMode(profile, config);
  const weights = await readWeightFile(o.weights, profile);
  const vectors = await readVectorFile(o.vectors, profile);
  return { profile, config, weights, vectors, model: createDieModel(profile, weights) };
}

export function addModelCommand(program: Command, io: CliIo): void {
  const model = program.command('model').description('evaluate the bit-exact reference model of the die (spec section 3)');

  withModelInputs(model.command('eval').description('one record per (vector, output): exact, digital, analog, yhat, level, ...'))
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'csv']).default('jsonl'))
    .option('--codes', 'add the ADC code of every plane (-1 where the plane is not analog)')
    .action(async (o: ModelInputOptions & { format: 'jsonl' | 'csv'; codes?: boolean }) => {
      const { config, vectors, model: die } = await loadInputs(o);
      const codes = o.codes === true;
      if (o.format === 'csv') await writeChunk(io.stdout, macCsvHeader(codes));
      for (const { firstVector, batch } of evaluateInBatches(die, vectors, config, { codes, batchVectors: 1024 })) {
        await writeChunk(io.stdout, o.format === 'csv' ? formatMacCsv(batch, firstVector) : formatMacJsonl(batch, firstVector));
      }
    });

  withModelInputs(model.command('summary').description('one JSON object: SNR overall and per level, level mix, planes, energy, G, TOPS/W'))
    .action(async (o: ModelInputOptions) => {
      const { profile, config, weights, vectors, model: die } = await loadInputs(o);
      const acc = new SummaryAccumulator(profile);
      for (const { batch } of evaluateInBatches(die, vectors, config)) acc.add(batch);
      const summary = {
        mode: config.mode,
        ...(config.mode === 'hcim' ? { boundary: config.boundary, skip: config.skip ?? 0 } : {}),
        ...acc.result(),
        vectorsHash: contentHash(vectors),
        weightsHash: contentHash(weights),
      };
      await writeChunk(io.stdout, `${JSON.stringify(summary, null, 2)}\n`);
    });
}
