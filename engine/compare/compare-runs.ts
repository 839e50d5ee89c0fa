// Run against run over the same content-addressed stimulus (docs/replay-compare.md): die A
// against die B, before and after, silicon against a re-scored run. Refused, naming `with`, when
// the stimuli (vector set) or the weights differ: a vector index means nothing across them.
// Paired statistics from the block summaries (no blob read); MAC by MAC from both runs' blocks,
// streamed side by side.
import type { RunsComparison } from '../../shared/api/compare';
import { FieldError } from '../../shared/api/run-options';
import { commonSegments, figuresOf, PairAccumulator, RAILS, segmentDeltas, type YhatReading } from '../../shared/analysis/run-vs-run';
import { planeGeometry } from '../../shared/model/geometry';
import type { RunStore, StoredBlock } from '../store/run-store';
import { comparableRun, comparedRun } from './compare-run';
import { measuredAdcBits, runCalibration, yielder } from '../replay/stored-blocks';

export async function compareRuns(store: RunStore, refA: string | number, refB: string | number): Promise<RunsComparison> {
  const a = comparableRun(store, refA);
  const b = comparableRun(store, refB, 'with');
  const ra = a.stored.row;
  const rb = b.stored.row;
  if (ra.vectorSet !== rb.vectorSet) {
    throw new FieldError(
      'with',
      `the stimuli differ: run ${ra.id} measured vector set ${ra.vectorSet ?? '-'}, run ${rb.id} vector set ${rb.vectorSet ?? '-'}; runs are compared vector by vector over the same stimulus only`,
    );
  }
  if (ra.weightSet !== rb.weightSet) {
    throw new FieldError(
      'with',
      `the weights differ: run ${ra.id} has weight set ${ra.weightSet ?? '-'}, run ${rb.id} weight set ${rb.weightSet ?? '-'}; runs are compared vector by vector over the same stimulus and weights only`,
    );
  }
  const pa = a.stored.profile;
  const pb = b.stored.profile;
  if (pa.outputs !== pb.outputs || pa.inputBits !== pb.inputBits || pa.weightBits !== pb.weightBits) {
    throw new FieldError(
      'with',
      `run ${rb.id} was measured on another geometry (${pb.outputs} outputs, ${pb.inputBits}x${pb.weightBits} bits) than run ${ra.id} (${pa.outputs} outputs, ${pa.inputBits}x${pa.weightBits} bits)`,
    );
  }

  // the summaries first: segments where both runs end a block, and each run's figures over them
  const segments = commonSegments(a.summaries, b.summaries);
  const last = segments.at(-1);
  const vectors = last ? last.to : 0;
  const within = <T extends { firstVector: number; vectors: number }>(list: readonly T[]) => list.filter((s) => s.firstVector + s.vectors <= vectors);
  const sa = within(a.summaries);
  const sb = within(b.summaries);
  const fa = figuresOf(pa, sa);
  const fb = figuresOf(pb, sb);
  const deltas = segmentDeltas(pa, pb, segments, a.summaries, b.summaries);

  // MAC by MAC, both runs' blocks side by side
  const reading = (ref: typeof a): YhatReading => ({
    profile: ref.stored.profile,
    geometry: planeGeometry(ref.stored.profile),
    calibration: runCalibration(store, ref.stored.row.id),
    measuredTop: 2 ** measuredAdcBits(ref.stored.row, ref.stored.profile.adcBits) - 1,
  });
  const rms = (s: readonly { summary: { macs: number; errorSq: number } }[]) =>
    Math.sqrt(
      s.reduce((t, x) => t + x.summary.errorSq, 0) /
        Math.max(
          1,
          s.reduce((t, x) => t + x.summary.macs, 0),
        ),
    );
  const pairs = new PairAccumulator(reading(a), reading(b), 6 * Math.max(rms(sa), rms(sb)));
  const pause = yielder();
  const blocksB = store.blocks(rb.id);
  let current: StoredBlock | null = null;
  for (const ba of store.blocks(ra.id)) {
    if (ba.firstVector >= vectors) break;
    let v = ba.firstVector;
    const end = Math.min(ba.firstVector + ba.vectors, vectors);
    while (v < end) {
      while (!current || current.firstVector + current.vectors <= v) {
        const next = blocksB.next();
        if (next.done) throw new Error(`run ${rb.id} ends before vector ${v}`);
        current = next.value;
      }
      const to = Math.min(end, current.firstVector + current.vectors);
      pairs.add(ba, current, v, to);
      v = to;
    }
    await pause();
  }
  blocksB.return(undefined);
  const mac = pairs.result();

  return {
    kind: 'runs',
    a: comparedRun(a.stored, a.summaries),
    b: comparedRun(b.stored, b.summaries),
    vectors,
    segments: segments.length,
    figures: { a: fa.figures, b: fb.figures },
    deltas: {
      snrDb: deltas.snrDb,
      modelSnrDb: deltas.modelSnrDb,
      measuredPjPerMac: deltas.measuredPjPerMac,
      codeResidualMeanLsb: deltas.codeResidualMeanLsb,
      codeResidualRmsLsb: deltas.codeResidualRmsLsb,
      levelAgreement: deltas.levelAgreement,
    },
    rails: RAILS.map((rail) => ({ rail, aPjPerMac: fa.railPjPerMac[rail], bPjPerMac: fb.railPjPerMac[rail], delta: deltas.rails[rail] })),
    yhatDifference: mac.yhatDifference,
    levels: mac.levels,
    columns: mac.columns,
  };
}
