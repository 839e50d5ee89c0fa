// The History screen: the runs in the store (runs.list), filtered by text, tag and state; one run
// open with its row (runs.get), its documents folded as a live run's are (run.subscribe: the
// stream while the engine has it, else the store's read-back), its child runs, tags and notes.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { RunRowDoc } from '../../../shared/api/runs';
import { errorsOf, type FieldErrors } from '../forms/field-errors';
import { useConnectionStore } from './connection';
import { watchedRun } from './run-control';

export interface HistoryFilter {
  /** matches id, GUID prefix, kind, label, mode, state and tags */
  text: string;
  tag: string;
  state: string;
  /** show the child runs of procedures as rows of their own */
  children: boolean;
}

export interface Note {
  readonly at: string;
  readonly text: string;
}

export function emptyFilter(): HistoryFilter {
  return { text: '', tag: '', state: '', children: false };
}

export function filterRuns(rows: readonly RunRowDoc[], f: HistoryFilter): RunRowDoc[] {
  const words = f.text.toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter((r) => {
    if (!f.children && r.parentId !== null) return false;
    if (f.tag && !r.tags.includes(f.tag)) return false;
    if (f.state && r.state !== f.state) return false;
    if (words.length === 0) return true;
    const hay = [`#${r.id}`, String(r.id), r.guid, r.kind, r.label ?? '', r.mode ?? '', r.state, ...r.tags].join(' ').toLowerCase();
    return words.every((w) => (/^#?\d+$/.test(w) ? r.id === Number(w.replace('#', '')) || r.guid.startsWith(w) : hay.includes(w)));
  });
}

export const useHistoryStore = defineStore('history', () => {
  const conn = useConnectionStore();
  const rows = shallowRef<RunRowDoc[]>([]);
  const limit = ref(500);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const filter = ref<HistoryFilter>(emptyFilter());
  const selected = shallowRef<RunRowDoc | null>(null);
  const openError = ref<string | null>(null);
  const notes = ref<Record<number, readonly Note[]>>({});
  const errors = ref<FieldErrors>({});
  const detail = watchedRun();

  const filtered = computed(() => filterRuns(rows.value, filter.value));
  const tags = computed(() => [...new Set(rows.value.flatMap((r) => r.tags))].sort());
  const children = computed(() => {
    const id = selected.value?.id;
    return id === undefined ? [] : rows.value.filter((r) => r.parentId === id).sort((a, b) => a.id - b.id);
  });
  const selectedNotes = computed(() => (selected.value ? (notes.value[selected.value.id] ?? []) : []));

  async function refresh(): Promise<void> {
    loading.value = true;
    try {
      rows.value = await conn.client().call('runs.list', { limit: limit.value });
      error.value = null;
      const s = selected.value;
      if (s) selected.value = rows.value.find((r) => r.id === s.id) ?? s;
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
    } finally {
      loading.value = false;
    }
  }

  async function loadMore(): Promise<void> {
    limit.value = Math.min(10_000, limit.value * 4);
    await refresh();
  }

  async function open(id: number): Promise<void> {
    openError.value = null;
    errors.value = {};
    try {
      const row = await conn.client().call('runs.get', { run: id });
      selected.value = row;
      notes.value = { ...notes.value, [row.id]: row.notes };
      // a running child run's documents come in its procedure's stream, which a screen may be
      // watching: its own subscription would take them from it, so it is read once it ended
      if (row.parentId !== null && row.state === 'running') detail.detach();
      else await detail.attach(id);
    } catch (e) {
      selected.value = null;
      detail.detach();
      openError.value = e instanceof Error ? e.message : String(e);
    }
  }

  function close(): void {
    selected.value = null;
    detail.detach();
  }

  function replaceRow(row: RunRowDoc): void {
    rows.value = rows.value.map((r) => (r.id === row.id ? row : r));
    if (selected.value?.id === row.id) selected.value = row;
  }

  async function changeTags(add: string[], remove: string[]): Promise<boolean> {
    const run = selected.value;
    if (!run) return false;
    errors.value = {};
    try {
      replaceRow(await conn.client().call('runs.tag', { run: run.id, add, remove }));
      return true;
    } catch (e) {
      errors.value = errorsOf(e, ['add', 'remove', 'run']);
      return false;
    }
  }

  async function addNote(text: string): Promise<boolean> {
    const run = selected.value;
    if (!run) return false;
    errors.value = {};
    try {
      const r = await conn.client().call('runs.note', { run: run.id, text });
      notes.value = { ...notes.value, [r.runId]: r.notes };
      return true;
    } catch (e) {
      errors.value = errorsOf(e, ['text', 'run']);
      return false;
    }
  }

  return {
    rows,
    limit,
    loading,
    error,
    filter,
    filtered,
    tags,
    selected,
    openError,
    children,
    selectedNotes,
    errors,
    detail: detail.view,
    refresh,
    loadMore,
    open,
    close,
    changeTags,
    addNote,
  };
});
