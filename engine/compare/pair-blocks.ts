// Both runs' blocks side by side over vectors [from, to), read plane by plane (block-planes.ts)
// and folded into a pair accumulator, giving the event loop a turn between blocks.
import type { PlanePairAccumulator, PlanePairBlock } from '../../shared/analysis/plane-pairs';
import { planeBlocks } from '../store/block-planes';
import type { BlockSummaryRecord, RunStore } from '../store/run-store';
import { yielder } from '../replay/stored-blocks';

export interface PairSide {
  readonly id: number;
  /** the run's block summaries, in block order */
  readonly summaries: readonly BlockSummaryRecord[];
}

/** The blocks of a run that hold vectors [from, to), plane by plane, with their extents. */
function* sideBlocks(store: RunStore, side: PairSide, from: number, to: number): Generator<PlanePairBlock> {
  const held = side.summaries.filter((s) => s.firstVector < to && s.firstVector + s.vectors > from);
  const first = held[0];
  const last = held.at(-1);
  if (!first || !last) return;
  let k = 0;
  for (const b of planeBlocks(store, side.id, first.block, last.block + 1)) {
    const s = held[k++];
    if (s?.block !== b.block) throw new Error(`run ${side.id}: block ${b.block} has no summary in order`);
    yield { ...b, firstVector: s.firstVector, vectors: s.vectors, outputs: s.outputs };
  }
}

export async function pairBlocks(store: RunStore, pairs: PlanePairAccumulator, a: PairSide, b: PairSide, from: number, to: number): Promise<void> {
  const pause = yielder();
  const blocksB = sideBlocks(store, b, from, to);
  let current: PlanePairBlock | null = null;
  try {
    for (const ba of sideBlocks(store, a, from, to)) {
      let v = Math.max(from, ba.firstVector);
      const end = Math.min(ba.firstVector + ba.vectors, to);
      while (v < end) {
        while (!current || current.firstVector + current.vectors <= v) {
          const next = blocksB.next();
          if (next.done) throw new Error(`run ${b.id} ends before vector ${v}`);
          current = next.value;
        }
        const upto = Math.min(end, current.firstVector + current.vectors);
        pairs.add(ba, current, v, upto);
        v = upto;
      }
      await pause();
    }
  } finally {
    blocksB.return(undefined);
  }
}
