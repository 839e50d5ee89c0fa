// The bench session the next run is logged under (who, which bench, which die, ambient, notes):
// read from the engine (session.get), edited in the Bench screen, set with session.set. The engine
// keeps it; the form only holds the edit in progress.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { SessionDoc } from '../../../shared/api/session';
import { errorsOf, type FieldErrors } from '../forms/field-errors';
import { useConnectionStore } from './connection';

export interface SessionFormValues {
  operator: string;
  bench: string;
  dieId: string;
  /** °C; null: not given */
  ambientC: number | null;
  notes: string;
}

export const SESSION_FIELDS = ['operator', 'bench', 'dieId', 'ambientC', 'notes'] as const;

const EMPTY: SessionFormValues = { operator: '', bench: '', dieId: '', ambientC: null, notes: '' };

export function sessionForm(doc: SessionDoc): SessionFormValues {
  return { operator: doc.operator ?? '', bench: doc.bench ?? '', dieId: doc.dieId ?? '', ambientC: doc.ambientC, notes: doc.notes ?? '' };
}

const text = (s: string) => (s.trim() === '' ? null : s.trim());

/** session.set's params: an empty field is "not given" (null), not an empty string. */
export function sessionParams(v: SessionFormValues): SessionDoc {
  const ambient = v.ambientC === null || Number.isNaN(v.ambientC) ? null : v.ambientC;
  return { operator: text(v.operator), bench: text(v.bench), dieId: text(v.dieId), ambientC: ambient, notes: text(v.notes) };
}

/** One line for what a run is logged under: "A. Jones · bench 2 · die D17 · 27 °C". */
export function describeSession(s: SessionDoc | null): string {
  if (!s) return 'unknown (not read from the engine yet)';
  const parts = [s.operator, s.bench ? `bench ${s.bench}` : null, s.dieId ? `die ${s.dieId}` : null, s.ambientC === null ? null : `${s.ambientC} °C`].filter(
    (p): p is string => !!p,
  );
  return parts.length > 0 ? parts.join(' · ') : 'no session details (operator, bench, die, ambient not given)';
}

export const useSessionStore = defineStore('session', () => {
  const conn = useConnectionStore();
  /** what the engine holds */
  const current = shallowRef<SessionDoc | null>(null);
  const form = ref<SessionFormValues>({ ...EMPTY });
  const errors = ref<FieldErrors>({});
  const saving = ref(false);
  /** a set was taken (the form shows it while unchanged since) */
  const saved = ref(false);

  const description = computed(() => describeSession(current.value));
  const dirty = computed(() => current.value !== null && JSON.stringify(sessionParams(form.value)) !== JSON.stringify(current.value));

  async function load(): Promise<void> {
    try {
      current.value = await conn.client().call('session.get', {});
      form.value = sessionForm(current.value);
      errors.value = {};
    } catch (e) {
      errors.value = errorsOf(e, SESSION_FIELDS);
    }
  }

  async function save(): Promise<boolean> {
    saving.value = true;
    saved.value = false;
    errors.value = {};
    try {
      current.value = await conn.client().call('session.set', sessionParams(form.value));
      form.value = sessionForm(current.value);
      saved.value = true;
      return true;
    } catch (e) {
      errors.value = errorsOf(e, SESSION_FIELDS);
      return false;
    } finally {
      saving.value = false;
    }
  }

  function revert(): void {
    form.value = current.value ? sessionForm(current.value) : { ...EMPTY };
    errors.value = {};
  }

  return { current, form, errors, saving, saved, description, dirty, load, save, revert };
});
