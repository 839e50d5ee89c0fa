// Run against run over the same content-addressed stimulus (docs/replay-compare.md): die A
// against die B, before and after, silicon against a re-scored run. Refused, naming `with`, when
// the stimuli (vector set) or the weights differ: a vector index means nothing across them.
// Paired statistics from the block summaries (no blob read); MAC by MAC from both runs' blocks,
// read plane by plane and streamed side by side, never the model; a big run's vectors in two
// stretches, each in a comparison thread (the engine's event loop stays free).
import type { RunsComparison } from '../../shared/api/compare';
import { FieldError } from '../../shared/api/run-options';
import { PlanePairAccumulator, type PlanePairState } from '../../shared/analysis/plane-pairs';
import { commonSegments, figuresOf, RAILS, segmentDeltas, type Segment, type YhatReading } from '../../shared/analysis/run-vs-run';
import { planeGeometry } from '../../shared/model/geometry';
import type { RunStore } from '../store/run-store';
import { checkedRun, comparableRun, comparedRun } from './compare-run';
import type { StoredRun } from '../store/stored-run';
import { measuredAdcBits, runCalibration } from '../replay/stored-blocks';
import { inThread, threadCount, threadsFor, THREADS_FROM } from './compare-threads';
import { pairBlocks } from './pair-blocks';

export interface CompareRunsOptions {
  /**
   * where the MAC-by-MAC pass runs: 'auto' in comparison threads for runs of THREADS_FROM vectors
   * and more (when the store is a file), 'threads' always there, 'here' in the caller's thread
   */
  readonly threads?: 'auto' | 'threads' | 'here';
}

type Comparable = ReturnType<typeof comparableRun>;

/** How a run reads its measured values into yhat. */
function readingOf(store: RunStore, ref: { stored: StoredRun }): YhatReading {
  return {
    profile: ref.stored.profile,
    geometry: planeGeometry(ref.stored.profile),
    calibration: runCalibration(store, ref.stored.row.id),
    measuredTop: 2 ** measuredAdcBits(ref.stored.row, ref.stored.profile.adcBits) - 1,
  };
}

/** Refused, naming `with`, unless both runs measured the same stimulus and weights on the same geometry. */
function checkPair(a: { stored: StoredRun }, b: { stored: StoredRun }): void {
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
}

/** Vectors [0, vectors) in `parts` stretches of about equal length, cut where both runs end a block (no block is read twice). */
function stretches(segments: readonly Segment[], parts: number): [number, number][] {
  const vectors = segments.at(-1)?.to ?? 0;
  const out: [number, number][] = [];
  let from = 0;
  for (let k = 1; k < parts; k++) {
    const want = (vectors * k) / parts;
    const cut = segments.find((s) => s.to >= want && s.to > from && s.to < vectors);
    if (!cut) break;
    out.push([from, cut.to]);
    from = cut.to;
  }
  out.push([from, vectors]);
  return out;
}

/** What a part of a comparison answers: the comparison (its MAC-by-MAC figures of its stretch only) and its pair state. */
export interface RunsPart {
  readonly comparison: RunsComparison;
  readonly state: PlanePairState;
}

export async function compareRuns(store: RunStore, refA: string | number, refB: string | number, options: CompareRunsOptions = {}): Promise<RunsComparison> {
  // refused here, naming the field, before any thread starts; no summary is read in this thread
  const a = checkedRun(store, refA);
  const b = checkedRun(store, refB, 'with');
  checkPair(a, b);
  const where = options.threads ?? 'auto';
  const vectors = Math.min(store.committedExtent(a.stored.row.id).vectors, store.committedExtent(b.stored.row.id).vectors);
  if (!(where === 'threads' || (where === 'auto' && vectors >= THREADS_FROM && threadsFor(store.path))))
    return (await runsHere(store, a.stored.row.id, b.stored.row.id, 0, 1)).comparison;
  // each thread a stretch of the vectors; the first also the figures from the summaries
  const parts = threadCount();
  const job = { kind: 'runs', path: store.path, a: a.stored.row.id, b: b.stored.row.id, parts } as const;
  const answers = await Promise.all(Array.from({ length: parts }, (_, part) => inThread({ ...job, part })));
  const first = answers[0] as RunsPart;
  const pairs = new PlanePairAccumulator(readingOf(store, a), readingOf(store, b), first.comparison.yhatDifference.hi);
  for (const x of answers) pairs.merge(x.state);
  const mac = pairs.result();
  return { ...first.comparison, yhatDifference: mac.yhatDifference, levels: mac.levels, columns: mac.columns };
}

/** Part `part` of `parts` of a run against run, in this thread (what a comparison thread does): the whole of it with parts 1. */
export async function runsHere(store: RunStore, refA: number, refB: number, part: number, parts: number): Promise<RunsPart> {
  const a: Comparable = comparableRun(store, refA);
  const b: Comparable = comparableRun(store, refB, 'with');
  checkPair(a, b);
  const pa = a.stored.profile;
  const pb = b.stored.profile;
  const ra = a.stored.row;
  const rb = b.stored.row;

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

  // MAC by MAC, both runs' blocks side by side (this part's stretch of the vectors)
  const rms = (s: readonly { summary: { macs: number; errorSq: number } }[]) =>
    Math.sqrt(
      s.reduce((t, x) => t + x.summary.errorSq, 0) /
        Math.max(
          1,
          s.reduce((t, x) => t + x.summary.macs, 0),
        ),
    );
  const pairs = new PlanePairAccumulator(readingOf(store, a), readingOf(store, b), 6 * Math.max(rms(sa), rms(sb)));
  const [from, to] = stretches(segments, parts)[part] ?? [0, 0];
  await pairBlocks(store, pairs, { id: ra.id, summaries: a.summaries }, { id: rb.id, summaries: b.summaries }, from, to);
  const mac = pairs.result();

  const comparison: RunsComparison = {
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
  return { comparison, state: pairs.state() };
}
