// A stream through a noisy link completes, with every result what a clean link gives. Before the
// pipe counted progress rather than tries, and sized lines by the error rate, a link this noisy
// made no progress at all: one request resent three times condemned the board.
import { beforeAll, describe, expect, it } from 'vitest';
import { BoardClient } from '../../drivers/client/board-client';
import { streamBatches } from '../../drivers/client/batch-stream';
import { parseDieConfig } from '../../drivers/sim/die-config';
import { NO_FAULTS, parseFaultSpec, type FaultSpec } from '../../drivers/sim/faults';
import { SimBoard } from '../../drivers/sim/sim-board';
import { inProcessPair } from '../../drivers/transport/in-process';
import { DEFAULT_PROFILE } from '../../shared/model/profile';
import { resultLayout } from '../../shared/protocol/data-blocks';
import type { BoardRunConfig } from '../../shared/protocol/payloads';
import { generateWorkload } from '../../shared/workload/generators';
import { matrixSource } from '../../shared/workload/vector-source';
import { FakeClock } from '../support/fake-clock';

const OSA: BoardRunConfig = { mode: 'osa', levels: DEFAULT_PROFILE.levels, thresholds: DEFAULT_PROFILE.thresholds, salientInputBits: DEFAULT_PROFILE.salientInputBits };
/** no analog noise or mismatch: results depend on the vectors only */
const IDEAL_DIE = { adcNoise: 0, columnGainSigma: 0, columnOffsetSigma: 0, processSigma: 0, powerNoise: 0 };
const VECTORS = 3000;
const workload = generateWorkload(DEFAULT_PROFILE, { kind: 'relu', vectors: VECTORS, seed: 4 });

/**
 * Stream the workload through an in-process board with these faults. The clock moves 1 ms per
 * turn of the event loop, so timeouts depend on how many hops the lines make, not on how fast
 * this machine is.
 */
async function stream(faults: FaultSpec) {
  const clock = new FakeClock();
  const board = new SimBoard({ die: parseDieConfig(IDEAL_DIE), clock, faults });
  const { host, board: end } = inProcessPair();
  board.attach(end);
  const client = new BoardClient(host, { clock });
  const lost: string[] = [];
  client.onLost((state, e) => lost.push(`${state}: ${e.message}`));
  const results = { digital: [] as number[][], saliency: [] as number[][], level: [] as number[][], codes: [] as number[][] };
  let done = false;
  const work = (async () => {
    await client.connect();
    await client.configure(OSA);
    await client.writeWeights(workload.weights.data);
    await streamBatches(client, matrixSource(workload.vectors), {
      layout: resultLayout(client.capabilities, OSA),
      batchVectors: 750,
      onBatch: (b) => {
        results.digital.push(Array.from(b.results.digital));
        results.saliency.push(Array.from(b.results.saliency));
        results.level.push(Array.from(b.results.level));
        results.codes.push(Array.from(b.results.codes));
      },
    });
  })().finally(() => (done = true));
  while (!done) {
    await new Promise((r) => setImmediate(r));
    clock.advance(1);
  }
  await work;
  const stats = { ...client.stats };
  const lostBeforeClose = [...lost];
  await client.close();
  board.stop();
  return { results, stats, lost: lostBeforeClose };
}

describe('a noisy link', () => {
  let clean: Awaited<ReturnType<typeof stream>>;
  beforeAll(async () => {
    clean = await stream(NO_FAULTS);
  });

  it('the clean reference run streams every vector without a resend', () => {
    expect(clean.results.digital.flat()).toHaveLength(VECTORS * 8);
    expect(clean.stats.resent).toBe(0);
  });

  it.each(['corrupt=0.2,drop=0.05,seed=2', 'corrupt-bytes=1e-4,seed=3'])(
    'at %s, completes with every result equal to the clean run, the board never declared unresponsive',
    async (spec) => {
      const noisy = await stream(parseFaultSpec(spec));
      expect(noisy.lost).toEqual([]);
      expect(noisy.stats.resent).toBeGreaterThan(100); // the faults did bite
      expect(noisy.results.digital.flat()).toEqual(clean.results.digital.flat());
      expect(noisy.results.saliency.flat()).toEqual(clean.results.saliency.flat());
      expect(noisy.results.level.flat()).toEqual(clean.results.level.flat());
      expect(noisy.results.codes.flat()).toEqual(clean.results.codes.flat());
    },
  );
});
