// How `run` and `runs resume` end: the run's summary, as text or one JSON object, and exit code 1
// unless it completed.
import type { RunSummary } from '../engine/run/run-engine';
import { writeChunk, type CliIo } from './io';

export async function printRunSummary(io: CliIo, summary: RunSummary, dbPath: string, json: boolean | undefined): Promise<void> {
  const out = { ...summary, runId: summary.guid, id: summary.runId, db: dbPath };
  if (json) await writeChunk(io.stdout, `${JSON.stringify(out)}\n`);
  else await writeChunk(io.stdout, formatSummary(summary, dbPath));
  if (summary.state !== 'completed') io.exit.code = 1;
  // a run that failed at its end (its last batch not committed) says why where a failure that stops it does
  if (summary.state === 'failed' && summary.reason) io.stderr.write(`osa-bench: ${summary.reason}\n`);
}

function formatSummary(s: RunSummary, dbPath: string): string {
  const db = (v: number | null) => (v === null ? 'inf' : `${v.toFixed(2)} dB`);
  const recovered = [s.resumes ? `resumed ${s.resumes} time(s)` : '', s.reboots ? `board rebooted ${s.reboots} time(s), set up again` : ''].filter(Boolean).join(', ');
  const head = [`run ${s.runId} (${s.guid}) ${s.state}${s.reason ? `: ${s.reason}` : ''}`, `  vectors ${s.vectors}, MACs ${s.macs}${recovered ? `, ${recovered}` : ''}`];
  // figures of nothing would read as a measurement
  if (s.macs === 0) return [...head, '  no batch was committed: no figures', `  stored in ${dbPath}`, ''].join('\n');
  return [
    ...head,
    `  SNR measured ${db(s.snrDb)}, model ${db(s.modelSnrDb)}; level agreement ${(100 * s.levelAgreement).toFixed(2)} %`,
    `  ADC code residual ${s.codeResidualMeanLsb.toFixed(3)} LSB mean, ${s.codeResidualRmsLsb.toFixed(3)} LSB rms; digital mismatches ${s.digitalMismatches}`,
    `  energy ${s.measuredPjPerMac.toFixed(2)} pJ/MAC measured, ${s.modelPjPerMac.toFixed(2)} modelled; gain vs dcim ${s.gainVsDcim.toFixed(3)} (model ${s.modelGainVsDcim.toFixed(3)})`,
    `  stored in ${dbPath}`,
    '',
  ].join('\n');
}
