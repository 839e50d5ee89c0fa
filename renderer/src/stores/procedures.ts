// The Procedures screen: the procedure picked, its form (from its params schema, kept per
// procedure across visits), starting it, and the procedure being watched: step i of n, the sweep's
// ETA, and its typed report once its stop document comes.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { PROCEDURES, type ProcedureName } from '../../../shared/api/run-options';
import type { RunRowDoc } from '../../../shared/api/runs';
import { errorsOf, type FieldErrors } from '../forms/field-errors';
import { defaultParams, paramFields, paramsFromRun, paramsOf, type ParamValues } from '../forms/procedure-params';
import { isProcedure } from '../fold/reports';
import { useBenchStore } from './bench';
import { useConnectionStore } from './connection';
import { useHistoryStore } from './history';
import { loadJson, saveJson } from './persist';
import { watchedRun } from './run-control';

type AllParams = Record<ProcedureName, ParamValues>;

function defaults(): AllParams {
  return Object.fromEntries(PROCEDURES.map((p) => [p, defaultParams(p)])) as AllParams;
}

export const useProceduresStore = defineStore('procedures', () => {
  const conn = useConnectionStore();
  const bench = useBenchStore();
  const history = useHistoryStore();
  const stored = loadJson<Partial<AllParams>>('procedure-params', {});
  const base = defaults();
  const params = ref<AllParams>(Object.fromEntries(PROCEDURES.map((p) => [p, { ...base[p], ...stored[p] }])) as AllParams);
  const initial = loadJson<string>('procedure', 'snr-sweep');
  const selected = ref<ProcedureName>(isProcedure(initial) ? initial : 'snr-sweep');
  const errors = ref<FieldErrors>({});
  const notice = ref<string | null>(null);
  const starting = ref(false);
  const run = watchedRun({ onStop: () => void history.refresh().catch(() => undefined) });

  const fields = computed(() => paramFields(selected.value));
  const errorKeys = computed(() => ['board', 'die', 'procedure', ...fields.value.map((f) => f.key)]);

  function select(p: ProcedureName): void {
    selected.value = p;
    errors.value = {};
    saveJson('procedure', p);
  }

  async function start(): Promise<number | null> {
    if (starting.value || run.live.value) return null;
    starting.value = true;
    errors.value = {};
    notice.value = null;
    const procedure = selected.value;
    saveJson('procedure-params', params.value);
    try {
      const { runId } = await conn.client().call('procedure.start', { ...bench.choice, procedure, params: paramsOf(procedure, params.value[procedure]) });
      await run.attach(runId);
      void history.refresh().catch(() => undefined);
      return runId;
    } catch (e) {
      errors.value = errorsOf(e, errorKeys.value);
      return null;
    } finally {
      starting.value = false;
    }
  }

  function resetParams(): void {
    params.value = { ...params.value, [selected.value]: defaultParams(selected.value) };
    errors.value = {};
  }

  /** Fill the form from a past procedure's parent run; false when it was not one. */
  function prefill(row: RunRowDoc): boolean {
    if (!isProcedure(row.kind)) return false;
    const given = row.provenance.params ?? row.config;
    const source = typeof given === 'object' && given !== null ? (given as Record<string, unknown>) : {};
    select(row.kind);
    params.value = { ...params.value, [row.kind]: paramsFromRun(row.kind, source, params.value[row.kind]) };
    notice.value = `The form holds the parameters of run ${row.id}.`;
    return true;
  }

  return { params, selected, fields, errors, notice, starting, ...run, select, start, resetParams, prefill };
});
