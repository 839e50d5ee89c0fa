// The calibration records in the engine's store (calibrations.list), newest first: what a run's
// codes can be read through.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { CalibrationRecord } from '../../../shared/api/runs';
import { useConnectionStore } from './connection';

export const useCalibrationsStore = defineStore('calibrations', () => {
  const conn = useConnectionStore();
  const records = shallowRef<CalibrationRecord[]>([]);
  const error = ref<string | null>(null);
  const loaded = ref(false);

  async function refresh(): Promise<void> {
    try {
      const got = await conn.client().call('calibrations.list', {});
      // an engine from before the method (or a test's) may answer nothing
      records.value = Array.isArray(got) ? got : [];
      error.value = null;
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
    } finally {
      loaded.value = true;
    }
  }

  return { records, error, loaded, refresh };
});
