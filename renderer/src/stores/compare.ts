// The Compare screen: one run against the model (compare.run), or run against run over the same
// stimulus (compare.runs) with each run's own comparison beside it for the plots side by side. The
// engine refuses runs over different stimulus, naming the field `with`: the message is shown there.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { RunComparison, RunsComparison } from '../../../shared/api/compare';
import { errorsOf, type FieldErrors } from '../forms/field-errors';
import { useConnectionStore } from './connection';

export const COMPARE_FIELDS = ['run', 'with', 'scanVectors', 'outliers'] as const;

export const useCompareStore = defineStore('compare', () => {
  const conn = useConnectionStore();
  const runId = ref<number | null>(null);
  const withId = ref<number | null>(null);
  const loading = ref(false);
  const errors = ref<FieldErrors>({});
  const run = shallowRef<RunComparison | null>(null);
  const runs = shallowRef<RunsComparison | null>(null);
  /** run against run: each run against the model, for the plots side by side (null while it comes) */
  const sides = shallowRef<{ a: RunComparison; b: RunComparison } | null>(null);
  const sidesError = ref<string | null>(null);
  /** which request the answers are of: a later one wins */
  let ticket = 0;

  function clear(): void {
    run.value = null;
    runs.value = null;
    sides.value = null;
    sidesError.value = null;
    errors.value = {};
  }

  /** Compare `a` with the model, or with run `b`; true when the engine answered. */
  async function load(a: number, b: number | null = null): Promise<boolean> {
    const mine = ++ticket;
    runId.value = a;
    withId.value = b;
    clear();
    loading.value = true;
    try {
      const client = conn.client();
      if (b === null) {
        const r = await client.call('compare.run', { run: a });
        if (mine === ticket) run.value = r;
        return true;
      }
      const r = await client.call('compare.runs', { run: a, with: b });
      if (mine !== ticket) return true;
      runs.value = r;
      loading.value = false;
      void Promise.all([client.call('compare.run', { run: a }), client.call('compare.run', { run: b })]).then(
        ([ra, rb]) => {
          if (mine === ticket) sides.value = { a: ra, b: rb };
        },
        (e: unknown) => {
          if (mine === ticket) sidesError.value = e instanceof Error ? e.message : String(e);
        },
      );
      return true;
    } catch (e) {
      if (mine === ticket) errors.value = errorsOf(e, COMPARE_FIELDS);
      return false;
    } finally {
      if (mine === ticket) loading.value = false;
    }
  }

  return { runId, withId, loading, errors, run, runs, sides, sidesError, load, clear };
});
