// The Run screen: the run form (kept across visits), starting a run, and the run being watched.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { RunRowDoc } from '../../../shared/api/runs';
import { errorsOf, type FieldErrors } from '../forms/field-errors';
import { defaultRunForm, formFromRun, runOptions, RUN_FIELDS, type RunFormValues } from '../forms/run-form';
import { useBenchStore } from './bench';
import { useConnectionStore } from './connection';
import { useHistoryStore } from './history';
import { loadJson, saveJson } from './persist';
import { watchedRun } from './run-control';

export const useLiveRunStore = defineStore('liveRun', () => {
  const conn = useConnectionStore();
  const bench = useBenchStore();
  const history = useHistoryStore();
  const form = ref<RunFormValues>({ ...defaultRunForm(), ...loadJson<Partial<RunFormValues>>('run-form', {}) });
  const errors = ref<FieldErrors>({});
  const notice = ref<string | null>(null);
  const starting = ref(false);
  const run = watchedRun({ onStop: () => void history.refresh().catch(() => undefined) });

  async function start(): Promise<number | null> {
    if (starting.value || run.live.value) return null;
    starting.value = true;
    errors.value = {};
    notice.value = null;
    saveJson('run-form', form.value);
    try {
      const { runId } = await conn.client().call('run.start', runOptions(form.value, bench.choice));
      await run.attach(runId);
      void history.refresh().catch(() => undefined);
      return runId;
    } catch (e) {
      errors.value = errorsOf(e, RUN_FIELDS);
      return null;
    } finally {
      starting.value = false;
    }
  }

  /** Fill the form from a past run; false when it was not a measurement run. */
  function prefill(row: RunRowDoc): boolean {
    const p = formFromRun(row, form.value);
    if (!p) return false;
    form.value = p.values;
    errors.value = {};
    notice.value = p.note ?? `The form holds the parameters of run ${row.id}${row.label ? ` (${row.label})` : ''}.`;
    return true;
  }

  function reset(): void {
    form.value = defaultRunForm();
    errors.value = {};
    notice.value = null;
  }

  return { form, errors, notice, starting, ...run, start, prefill, reset };
});
