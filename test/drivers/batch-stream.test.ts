// The batch stream on a failure: it returns only once every request it sent has settled, so that
// nothing of its own reaches the board after the caller has set the board up again.
import { describe, expect, it } from 'vitest';
import { BoardClient } from '../../drivers/client/board-client';
import { streamBatches } from '../../drivers/client/batch-stream';
import { systemClock } from '../../drivers/clock';
import { parseDieConfig } from '../../drivers/sim/die-config';
import { SimBoard } from '../../drivers/sim/sim-board';
import { inProcessPair } from '../../drivers/transport/in-process';
import { resultLayout } from '../../shared/protocol/data-blocks';
import { DEFAULT_PROFILE } from '../../shared/model/profile';
import { generateWorkload } from '../../shared/workload/generators';
import { matrixSource } from '../../shared/workload/vector-source';

// in dcim a result (8 sums, no codes) is a quarter of a vector: the results are in before the next batch's vectors are out
const DCIM = { mode: 'dcim' as const, levels: DEFAULT_PROFILE.levels, thresholds: DEFAULT_PROFILE.thresholds, salientInputBits: DEFAULT_PROFILE.salientInputBits };

describe('streamBatches', () => {
  it("that fails in a batch waits for the next batch's loads and run before it rejects", async () => {
    const board = new SimBoard({ die: parseDieConfig({}), clock: systemClock, link: { baud: 3_000_000, latencyMs: 0 } });
    const { host, board: end } = inProcessPair();
    board.attach(end);
    const client = new BoardClient(host, { clock: systemClock });
    await client.connect();
    const w = generateWorkload(DEFAULT_PROFILE, { kind: 'relu', vectors: 600, seed: 4 });
    await client.configure(DCIM);
    await client.writeWeights(w.weights.data);
    const failed = streamBatches(client, matrixSource(w.vectors), {
      layout: resultLayout(client.capabilities, DCIM),
      batchVectors: 200,
      // the store refuses the first batch while the second batch's vectors are on their way
      onBatch: () => {
        throw new Error('the store refused the batch');
      },
    });
    await expect(failed).rejects.toThrow('the store refused the batch');
    expect(client.pending).toBe(0);
    await client.close();
    board.stop();
  });
});
