// A store of many ended runs, for the History screen's benchmark and its end-to-end test: rows
// only (no batches), as History lists them, seeded through the RunStore in one transaction.
import { openRunStore } from '../engine/store/store';

/** Seed a store with `n` ended runs, in one transaction: rows only, as History lists them. */
export function seedRuns(path: string, n: number): void {
  const { store } = openRunStore(path);
  const states = ['completed', 'completed', 'completed', 'aborted', 'failed', 'interrupted'] as const;
  const modes = ['osa', 'hcim', 'dcim', 'acim'] as const;
  try {
    store.db.transaction(() => {
      for (let i = 0; i < n; i++) {
        const mode = modes[i % modes.length] ?? 'osa';
        const { id } = store.createRun({
          kind: 'run',
          label: `seeded run ${i + 1}`,
          mode,
          config: { mode, repeat: 1, batchVectors: null },
          provenance: { stimulus: { generator: 'relu', seed: i } },
          vectorSet: null,
          weightSet: null,
          vectorsTotal: 20_000,
          repeat: 1,
        });
        store.setState(id, states[i % states.length] ?? 'completed', null);
        if (i % 50 === 0) store.tag(id, ['seeded', `batch-${Math.floor(i / 1000)}`]);
      }
    })();
  } finally {
    store.close();
  }
}
