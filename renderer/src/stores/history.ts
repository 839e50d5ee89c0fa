// The History screen: the runs in the store (runs.list, the newest 100 first, more as the table is
// scrolled to its end, up to 10,000), filtered by text, tag and state, procedures opened in the table to their child runs;
// one run open with its row (runs.get), its documents folded as a live run's are (run.subscribe:
// the stream while the engine has it, else the store's read-back), its child runs, tags and notes.
// The rows are held as the engine sent them (a shallowRef, no reactive proxy per row).
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

/** What the text search looks through, made once per row (rows are replaced, never changed). */
const haystacks = new WeakMap<RunRowDoc, string>();
function haystack(r: RunRowDoc): string {
  let h = haystacks.get(r);
  if (h === undefined) {
    h = [`#${r.id}`, String(r.id), r.guid, r.kind, r.label ?? '', r.mode ?? '', r.state, ...r.tags].join(' ').toLowerCase();
    haystacks.set(r, h);
  }
  return h;
}

export function filterRuns(rows: readonly RunRowDoc[], f: HistoryFilter): RunRowDoc[] {
  const words = f.text.toLowerCase().split(/\s+/).filter(Boolean);
  const ids = words.map((w) => (/^#?\d+$/.test(w) ? Number(w.replace('#', '')) : null));
  return rows.filter((r) => {
    if (!f.children && r.parentId !== null) return false;
    if (f.tag && !r.tags.includes(f.tag)) return false;
    if (f.state && r.state !== f.state) return false;
    if (words.length === 0) return true;
    const hay = haystack(r);
    return words.every((w, i) => {
      const id = ids[i];
      return id !== null && id !== undefined ? r.id === id || r.guid.startsWith(w) : hay.includes(w);
    });
  });
}

/** Child runs by their procedure's id, oldest first. */
export function childrenByParent(rows: readonly RunRowDoc[]): Map<number, RunRowDoc[]> {
  const by = new Map<number, RunRowDoc[]>();
  for (const r of rows) {
    if (r.parentId === null) continue;
    const list = by.get(r.parentId);
    if (list) list.push(r);
    else by.set(r.parentId, [r]);
  }
  for (const list of by.values()) list.sort((a, b) => a.id - b.id);
  return by;
}

/**
 * The table's rows: the filtered runs, each open procedure followed by its child runs (when child
 * runs are not listed as rows of their own already).
 */
export function displayRows(
  filtered: readonly RunRowDoc[],
  children: ReadonlyMap<number, readonly RunRowDoc[]>,
  open: ReadonlySet<number>,
  f: HistoryFilter,
): readonly RunRowDoc[] {
  if (open.size === 0 || f.children) return filtered;
  const out: RunRowDoc[] = [];
  for (const r of filtered) {
    out.push(r);
    if (open.has(r.id)) out.push(...(children.get(r.id) ?? []));
  }
  return out;
}

/**
 * The runs listed first: a few screenfuls, quick for the engine to read and send (a run's row
 * carries its summary, a procedure's its report), so the screen opens at once.
 */
export const FIRST_LIMIT = 100;
/** The most runs.list answers at once. */
export const MAX_LIMIT = 10_000;

export const useHistoryStore = defineStore('history', () => {
  const conn = useConnectionStore();
  const rows = shallowRef<RunRowDoc[]>([]);
  const limit = ref(FIRST_LIMIT);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const filter = ref<HistoryFilter>(emptyFilter());
  const selected = shallowRef<RunRowDoc | null>(null);
  const openError = ref<string | null>(null);
  const notes = ref<Record<number, readonly Note[]>>({});
  const errors = ref<FieldErrors>({});
  const detail = watchedRun();

  /** procedures opened in the table to their child runs */
  const expanded = shallowRef<ReadonlySet<number>>(new Set());

  const filtered = computed(() => filterRuns(rows.value, filter.value));
  const byParent = computed(() => childrenByParent(rows.value));
  const shown = computed(() => displayRows(filtered.value, byParent.value, expanded.value, filter.value));
  const tags = computed(() => [...new Set(rows.value.flatMap((r) => r.tags))].sort());
  const children = computed(() => {
    const id = selected.value?.id;
    return id === undefined ? [] : (byParent.value.get(id) ?? []);
  });
  /** older runs are in the store than are listed */
  const more = computed(() => rows.value.length >= limit.value && limit.value < MAX_LIMIT);

  function childCount(id: number): number {
    return byParent.value.get(id)?.length ?? 0;
  }

  function toggle(id: number, open = !expanded.value.has(id)): void {
    if (open === expanded.value.has(id)) return;
    const next = new Set(expanded.value);
    if (open) next.add(id);
    else next.delete(id);
    expanded.value = next;
  }
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

  /** Older runs: ten times as many (100, 1,000, then 10,000, the most the API lists at once). */
  async function loadMore(): Promise<void> {
    if (loading.value || !more.value) return;
    limit.value = Math.min(MAX_LIMIT, limit.value * 10);
    await refresh();
  }

  /** Every run the API lists (a search that found nothing among the newest). */
  async function loadAll(): Promise<void> {
    if (loading.value || !more.value) return;
    limit.value = MAX_LIMIT;
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
    shown,
    expanded,
    more,
    tags,
    selected,
    openError,
    children,
    selectedNotes,
    errors,
    detail: detail.view,
    refresh,
    loadMore,
    loadAll,
    childCount,
    toggle,
    open,
    close,
    changeTags,
    addNote,
  };
});
