// A run on a 115200-baud link: batches are sized by link time, so the first results are committed
// within seconds (a fixed 4,096-vector batch kept such a run silent for minutes) and a stop takes
// effect after a batch of about a second.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../drivers/clock';
import { parseDieConfig } from '../../drivers/sim/die-config';
import { simBoardLink } from '../../engine/board/board-link';
import { executeRun, RunControl } from '../../engine/run/run-engine';
import { openRunStore } from '../../engine/store/store';
import { DEFAULT_PROFILE } from '../../shared/model/profile';
import { generateWorkload } from '../../shared/workload/generators';
import { matrixSource } from '../../shared/workload/vector-source';

const workload = generateWorkload(DEFAULT_PROFILE, { kind: 'relu', vectors: 2000, seed: 5 });
// about 20 vectors a second go through 115200 baud (11.5 kB/s; some 500 bytes of results a vector)
const SLOW = { baud: 115_200, latencyMs: 0 };

describe('a run on a slow link', () => {
  it('starts with a small batch and stops after the batch in hand, not after minutes', async () => {
    const { store } = openRunStore(join(mkdtempSync(join(tmpdir(), 'osa-slow-')), 'runs.db'));
    const board = simBoardLink({ die: parseDieConfig({}), clock: systemClock, link: SLOW });
    const control = new RunControl();
    const s = await executeRun(
      { profile: DEFAULT_PROFILE, config: { mode: 'osa' }, weights: workload.weights, vectors: matrixSource(workload.vectors), source: { generator: 'relu', seed: 5 } },
      { store, board, clock: systemClock, emit: (d) => d.type === 'batch' && d.firstVector + d.vectors >= 40 && control.abort() },
      control,
    );
    expect(s.state).toBe('aborted');
    const sizes = [...store.blocks(s.runId)].map((b) => b.vectors);
    expect(sizes[0]).toBe(16);
    // each batch about a second of link (20 vectors), never the 4,096 of a fixed batch
    expect(Math.max(...sizes)).toBeLessThanOrEqual(64);
    expect(s.vectors).toBeLessThan(200);
  });
});
