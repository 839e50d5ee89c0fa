import type { Command } from 'commander';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeChunk, type CliIo } from '../io';
import { integerIn } from '../options';

const db = (v: number | null) => (v === null ? 'inf' : v.toFixed(1));
const pct = (v: number) => `${(v * 100).toFixed(0)}%`;

export function addDemoCommand(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description('the reference model on the relu workload, side by side with the figures of spec section 6')
    .option('--vectors <T>', 'number of vectors', integerIn(1, 1_000_000), 4000)
    .option('--seed <S>', 'PRNG seed', integerIn(0, Number.MAX_SAFE_INTEGER), 1)
    .action(async (o: { vectors: number; seed: number }) => {
      // the model, the simulated board and the store: loaded when the demo runs, not at every start
      const [{ summarize }, { SPEC_HCIM_SNR_DB, SPEC_OSA }, { createDieModel }, { DEFAULT_PROFILE }, { generateWorkload }] = await Promise.all([
        import('../../shared/analysis/summary'),
        import('../../shared/analysis/spec-figures'),
        import('../../shared/model/evaluator'),
        import('../../shared/model/profile'),
        import('../../shared/workload/generators'),
      ]);
      const [{ systemClock }, { Bench }] = await Promise.all([import('../../drivers/clock'), import('../../engine/service/bench')]);
      const p = DEFAULT_PROFILE;
      const w = generateWorkload(p, { kind: 'relu', vectors: o.vectors, seed: o.seed });
      const model = createDieModel(p, w.weights);
      const lines: string[] = [
        'OSA-Bench demo: the reference model, then a run on the simulated board (the desktop UI comes in a later release)',
        `relu workload, ${o.vectors} vectors, seed ${o.seed}, default die profile (N=${p.rows}, M=${p.outputs}, 8b x 8b, ADC ${p.adcBits}b)`,
        '',
        'hcim, t=0     b:  ' + SPEC_HCIM_SNR_DB.map((r) => String(r.boundary).padStart(6)).join(''),
        '  model SNR dB:   ' +
          SPEC_HCIM_SNR_DB.map((r) => db(summarize(p, model.evaluate(w.vectors, { mode: 'hcim', boundary: r.boundary })).snrDb).padStart(6)).join(''),
        '  spec  SNR dB:   ' + SPEC_HCIM_SNR_DB.map((r) => db(r.snrDb).padStart(6)).join(''),
        '',
      ];
      const osa = summarize(p, model.evaluate(w.vectors, { mode: 'osa' }));
      const dcim = summarize(p, model.evaluate(w.vectors, { mode: 'dcim' }));
      lines.push(
        '                      model                      spec',
        `osa level mix         ${osa.levelMix.map(pct).join(' / ').padEnd(27)}${SPEC_OSA.levelMix.map(pct).join(' / ')}`,
        `osa SNR per level dB  ${osa.snrDbPerLevel.map(db).join(' / ').padEnd(27)}${SPEC_OSA.snrDbPerLevel.join(' / ')}`,
        `osa SNR overall dB    ${db(osa.snrDb).padEnd(27)}${SPEC_OSA.snrDb}`,
        `planes D / A / skip   ${[osa.meanPlanes.digital, osa.meanPlanes.analog, osa.meanPlanes.skipped]
          .map((v) => v.toFixed(1))
          .join(' / ')
          .padEnd(27)}${Object.values(SPEC_OSA.meanPlanes).join(' / ')}`,
        `gain vs dcim          ${osa.gainVsDcim.toFixed(3).padEnd(27)}${SPEC_OSA.gainVsDcim}`,
        `dcim TOPS/W           ${dcim.topsPerWatt.toFixed(2).padEnd(27)}${SPEC_OSA.dcimTopsPerWatt}`,
        '',
        `vectors ${w.vectorsHash}`,
        `weights ${w.weightsHash}`,
        '',
      );
      await writeChunk(io.stdout, `${lines.join('\n')}\n`);

      // the same vectors through the simulated die, the engine and a store
      const dir = mkdtempSync(join(tmpdir(), 'osa-bench-demo-'));
      const dbPath = join(dir, 'demo.db');
      const bench = new Bench({ dbPath, clock: systemClock, session: { operator: null, bench: 'demo', ambientC: null, notes: 'osa-bench demo' } });
      try {
        const run = await bench.startRun({ board: 'sim', workload: { kind: 'relu', vectors: o.vectors, seed: o.seed }, mode: 'osa' });
        const s = await run.done;
        const dbText = (v: number | null) => (v === null ? 'inf' : `${v.toFixed(1)} dB`);
        await writeChunk(
          io.stdout,
          [
            `simulated die ${s.vectors} vectors (osa): SNR ${dbText(s.snrDb)} measured vs ${dbText(s.modelSnrDb)} model, level agreement ${(100 * s.levelAgreement).toFixed(1)} %,`,
            `  ${s.measuredPjPerMac.toFixed(2)} pJ/MAC measured vs ${s.modelPjPerMac.toFixed(2)} model, gain vs dcim ${s.gainVsDcim.toFixed(3)}; logged as run ${s.guid} in ${dbPath}`,
            '',
            'Next: osa-bench run --board sim ..., osa-bench procedure snr-sweep --board sim, osa-bench sim --pty (see README.md).',
            '',
          ].join('\n'),
        );
      } finally {
        await bench.close();
      }
    });
}
