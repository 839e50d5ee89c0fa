// The model (its wasm kernel), the file readers and the hashes are imported by the actions: --help starts without them.
import { Option, type Command } from 'commander';
import type { MacBatch } from '../../shared/model/evaluator';
import { MODES, resolveMode, type Mode, type ModeConfig } from '../../shared/model/modes';
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

/**
 * The vectors are opened, not read: they are visited chunk by chunk (each checked), so a large
 * set is never in memory whole. Nothing is written before every vector has been checked.
 */
async function loadInputs(o: ModelInputOptions) {
  const [{ loadProfile }, { openVectorFile, readWeightFile }, { createDieModel }] = await Promise.all([
    import('../../engine/files/profile-file'),
    import('../../engine/files/matrix-files'),
    import('../../shared/model/evaluator'),
  ]);
  const profile = await loadProfile(o.profile);
  const config: ModeConfig = { mode: o.mode, boundary: o.boundary, skip: o.skip };
  resolveMode(profile, config);
  const weights = await readWeightFile(o.weights, profile);
  const vectors = await openVectorFile(o.vectors, profile);
  return { profile, config, weights, vectors, model: createDieModel(profile, weights) };
}

/**
 * `model eval`'s records: the same text as formatMacCsv / formatMacJsonl (shared/io/mac-records.ts;
 * a test holds them equal), about 3x faster, which on 500,000 vectors is seconds of a whole run.
 * Integer fields that fit go through int32, which V8 prints much faster than a double, and the
 * few distinct energies are printed once per batch.
 * TODO(owner of mac-records.ts): move this there.
 */
/** x as an int32 where that is exact (the same digits), else x; a large profile exceeds 2^31. */
const int32IfExact = (x: number): number => ((x | 0) === x ? x | 0 : x);

export function formatMacRecords(batch: MacBatch, firstVector: number, format: 'csv' | 'jsonl'): string {
  const { exact, digital, analog, yhat, level, saliency, nDigital, nAnalog, nSkipped, energyPj, codes, planes, outputs } = batch;
  const energies = new Map<number, string>();
  const csv = format === 'csv';
  let out = '';
  for (let mac = 0, v = firstVector, m = 0; mac < exact.length; mac++) {
    const e = energyPj[mac] as number;
    let es = energies.get(e);
    if (es === undefined) energies.set(e, (es = String(e)));
    const ex = int32IfExact(exact[mac] as number);
    const d = int32IfExact(digital[mac] as number);
    const a = int32IfExact(analog[mac] as number);
    const s = int32IfExact(saliency[mac] as number);
    const c = codes ? Array.from(codes.subarray(mac * planes, (mac + 1) * planes)) : null;
    out += csv
      ? v +
        ',' +
        m +
        ',' +
        ex +
        ',' +
        d +
        ',' +
        a +
        ',' +
        yhat[mac] +
        ',' +
        level[mac] +
        ',' +
        s +
        ',' +
        nDigital[mac] +
        ',' +
        nAnalog[mac] +
        ',' +
        nSkipped[mac] +
        ',' +
        es +
        (c ? ',' + c.join(' ') : '') +
        '\n'
      : '{"vector":' +
        v +
        ',"output":' +
        m +
        ',"exact":' +
        ex +
        ',"digital":' +
        d +
        ',"analog":' +
        a +
        ',"yhat":' +
        yhat[mac] +
        ',"level":' +
        level[mac] +
        ',"saliency":' +
        s +
        ',"nDigital":' +
        nDigital[mac] +
        ',"nAnalog":' +
        nAnalog[mac] +
        ',"nSkipped":' +
        nSkipped[mac] +
        ',"energyPj":' +
        es +
        (c ? ',"codes":[' + c.join(',') + ']' : '') +
        '}\n';
    if (++m === outputs) {
      m = 0;
      v++;
    }
  }
  return out;
}

export function addModelCommand(program: Command, io: CliIo): void {
  const model = program.command('model').description('evaluate the bit-exact reference model of the die (spec section 3)');

  withModelInputs(model.command('eval').description('one record per (vector, output): exact, digital, analog, yhat, level, ...'))
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'csv']).default('jsonl'))
    .option('--codes', 'add the ADC code of every plane (-1 where the plane is not analog)')
    .action(async (o: ModelInputOptions & { format: 'jsonl' | 'csv'; codes?: boolean }) => {
      const [{ config, vectors, model: die }, { macCsvHeader }, { evaluateInBatches }] = await Promise.all([
        loadInputs(o),
        import('../../shared/io/mac-records'),
        import('../../shared/model/batches'),
      ]);
      const codes = o.codes === true;
      await vectors.forEach(() => {}); // check every vector before the first record (a read is ~0.4 s/GB)
      if (o.format === 'csv') await writeChunk(io.stdout, macCsvHeader(codes));
      await vectors.forEach(async (first, chunk) => {
        for (const { firstVector, batch } of evaluateInBatches(die, chunk, config, { codes, batchVectors: 1024 })) {
          await writeChunk(io.stdout, formatMacRecords(batch, first + firstVector, o.format));
        }
      });
    });

  withModelInputs(model.command('summary').description('one JSON object: SNR overall and per level, level mix, planes, energy, G, TOPS/W')).action(
    async (o: ModelInputOptions) => {
      const [{ profile, config, weights, vectors, model: die }, { nodeContentHash, nodeContentHasher }, { SummaryAccumulator }, { evaluateInBatches }] =
        await Promise.all([
          loadInputs(o),
          import('../../engine/store/node-content-hash'),
          import('../../shared/analysis/summary'),
          import('../../shared/model/batches'),
        ]);
      const acc = new SummaryAccumulator(profile);
      // one pass: a bad vector stops the command before anything is written, so no second is needed
      const vectorsHash = nodeContentHasher(vectors.rows, vectors.cols);
      await vectors.forEach((_, chunk) => {
        vectorsHash.update(chunk.data);
        for (const { batch } of evaluateInBatches(die, chunk, config)) acc.add(batch);
      });
      const summary = {
        mode: config.mode,
        ...(config.mode === 'hcim' ? { boundary: config.boundary, skip: config.skip ?? 0 } : {}),
        ...acc.result(),
        vectorsHash: vectorsHash.digest(),
        weightsHash: nodeContentHash(weights),
      };
      await writeChunk(io.stdout, `${JSON.stringify(summary, null, 2)}\n`);
    },
  );
}
