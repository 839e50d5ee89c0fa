// @vitest-environment happy-dom
// The History screen on a large store: only the rows in view are drawn (a window moved by the
// scroll), the keys move through the table and open a run, procedures open to their child runs,
// the search covers 10,000 rows, and older runs are loaded when asked.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRowDoc } from '../../shared/api/runs';
import { rowWindow, scrollToShow } from '../../renderer/src/composables/windowed-rows';
import HistoryScreen from '../../renderer/src/screens/HistoryScreen.vue';
import { setConnectionDeps, useConnectionStore } from '../../renderer/src/stores/connection';
import { childrenByParent, displayRows, emptyFilter, FIRST_LIMIT, useHistoryStore } from '../../renderer/src/stores/history';
import { useNavStore } from '../../renderer/src/stores/nav';
import { FakeEngine } from './support/fake-engine';

function row(id: number, o: Partial<RunRowDoc> = {}): RunRowDoc {
  return {
    id,
    guid: `${id.toString(16).padStart(8, '0')}-guid`,
    kind: 'run',
    label: `run ${id}`,
    parentId: null,
    state: 'completed',
    stateReason: null,
    mode: 'osa',
    config: { mode: 'osa', repeat: 1, batchVectors: null },
    provenance: {},
    vectorSet: null,
    weightSet: null,
    vectorsTotal: 2000,
    vectorsDone: 2000,
    repeat: 1,
    summary: null,
    sessionId: null,
    startedAt: '2026-01-01T10:00:00Z',
    endedAt: null,
    tags: id % 100 === 0 ? ['hundred'] : [],
    ...o,
  };
}

/** A store of `n` runs, newest first; run 50 is a sweep with children 51..54 (as the engine numbers them). */
function store(n: number): RunRowDoc[] {
  const rows: RunRowDoc[] = [];
  for (let id = n; id >= 1; id--) {
    if (id === 50) rows.push(row(id, { kind: 'snr-sweep', mode: 'sweep', label: 'snr-sweep' }));
    else if (id > 50 && id <= 54) rows.push(row(id, { parentId: 50, label: `b=${id - 50}` }));
    else rows.push(row(id));
  }
  return rows;
}

let engine: FakeEngine;
let all: RunRowDoc[];
beforeEach(async () => {
  localStorage.clear();
  history.replaceState(null, '', '#/history');
  setActivePinia(createPinia());
  all = store(10_000);
  engine = new FakeEngine((method, params) => {
    if (method === 'runs.list') return all.slice(0, params.limit as number);
    if (method === 'runs.get') return { ...all.find((r) => r.id === params.run), notes: [], events: [] };
    if (method === 'run.subscribe') return { runId: params.runId, fromSeq: 0, source: 'store' };
    return null;
  });
  engine.install();
  await useConnectionStore().connect();
});
afterEach(() => setConnectionDeps(null));

const ids = (w: VueWrapper) => w.findAll('[data-testid="history-row"]').map((r) => Number(r.attributes('data-run-id')));

async function screen(): Promise<VueWrapper> {
  const w = mount(HistoryScreen, { attachTo: document.body, global: { stubs: { RunDetail: true } } });
  await useHistoryStore().refresh();
  await flushPromises();
  return w;
}

describe('the row window', () => {
  it('draws the rows in view and a few either side, with spacers for the rest', () => {
    expect(rowWindow(10_000, 0, 620, 31, 10)).toEqual({ start: 0, end: 30, padTop: 0, padBottom: 9970 * 31 });
    const mid = rowWindow(10_000, 31 * 5000, 620, 31, 10);
    expect(mid).toEqual({ start: 4990, end: 5030, padTop: 4990 * 31, padBottom: (10_000 - 5030) * 31 });
    expect(rowWindow(10_000, 31 * 20_000, 620, 31, 10)).toMatchObject({ start: 10_000, end: 10_000, padBottom: 0 });
    expect(rowWindow(3, 0, 620, 31, 10)).toEqual({ start: 0, end: 3, padTop: 0, padBottom: 0 });
    expect(rowWindow(0, 0, 620, 31)).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 });
  });

  it('scrolls a row into view below the sticky header, and not when it is in view', () => {
    // 20 rows of 30 px in a 330 px view under a 30 px header
    expect(scrollToShow(3, 0, 330, 30, 30)).toBeNull();
    expect(scrollToShow(12, 0, 330, 30, 30)).toBe(30 + 12 * 30 + 30 - 330);
    expect(scrollToShow(2, 200, 330, 30, 30)).toBe(60);
  });
});

describe('the History screen with 10,000 runs', () => {
  it('lists the newest 100 first, drawing a window of them', async () => {
    const w = await screen();
    const h = useHistoryStore();
    expect(h.rows).toHaveLength(FIRST_LIMIT);
    const drawn = ids(w);
    expect(drawn.length).toBeGreaterThan(20);
    expect(drawn.length).toBeLessThan(60);
    expect(drawn[0]).toBe(10_000);
    expect(w.find('[data-testid="history-count"]').text()).toBe('100 of 100 runs');
    w.unmount();
  });

  it('loads the older runs when asked, and still draws only a window of them', async () => {
    const w = await screen();
    await w.find('[data-testid="history-load-more"]').trigger('click');
    await flushPromises();
    expect(useHistoryStore().rows).toHaveLength(1000);
    await w.find('[data-testid="history-load-more"]').trigger('click');
    await flushPromises();
    expect(useHistoryStore().rows).toHaveLength(10_000);
    expect(w.find('[data-testid="history-load-more"]').exists()).toBe(false);
    expect(w.find('[data-testid="history-count"]').text()).toBe('9996 of 10000 runs');
    expect(ids(w).length).toBeLessThan(60);
    // the window follows the scroll: the rows at 31 px each, 4000 rows down
    const scroller = w.find('[data-testid="history-scroll"]');
    (scroller.element as HTMLElement).scrollTop = 4000 * 31;
    await scroller.trigger('scroll');
    const drawn = ids(w);
    expect(drawn.length).toBeLessThan(60);
    expect(drawn).toContain(all.filter((r) => r.parentId === null)[4000]?.id);
    w.unmount();
  });

  it('searches the whole store once loaded; a search that finds nothing among the newest offers the rest', async () => {
    const w = await screen();
    await w.find('[data-testid="history-filter-text"]').setValue('#9999');
    expect(ids(w)).toEqual([9999]);
    await w.find('[data-testid="history-filter-text"]').setValue('#123');
    expect(ids(w)).toEqual([]);
    await w.find('[data-testid="history-load-all"]').trigger('click');
    await flushPromises();
    expect(ids(w)).toEqual([123]);
    await w.find('[data-testid="history-filter-text"]').setValue('');
    await w.find('[data-testid="history-filter-tag"]').setValue('hundred');
    expect(w.find('[data-testid="history-count"]').text()).toBe('100 of 10000 runs');
    w.unmount();
  });

  it('moves through the rows with the keys and opens one with Enter', async () => {
    const w = await screen();
    const nav = useNavStore();
    const scroller = w.find('[data-testid="history-scroll"]');
    await scroller.trigger('keydown', { key: 'ArrowDown' });
    await scroller.trigger('keydown', { key: 'ArrowDown' });
    expect(scroller.attributes('aria-activedescendant')).toBe('history-row-9998');
    await scroller.trigger('keydown', { key: 'ArrowUp' });
    await scroller.trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(nav.runId).toBe(9999);
    expect(useHistoryStore().selected?.id).toBe(9999);
    // End: the last run listed (the newest 100 are)
    await scroller.trigger('keydown', { key: 'End' });
    expect(scroller.attributes('aria-activedescendant')).toBe('history-row-9901');
    expect(ids(w)).toContain(9901);
    expect(ids(w)).not.toContain(10_000);
    await scroller.trigger('keydown', { key: 'Home' });
    expect(scroller.attributes('aria-activedescendant')).toBe('history-row-10000');
    w.unmount();
  });

  it('opens a procedure to its child runs in the table, by a click or the arrow keys', async () => {
    all = store(60);
    const w = await screen();
    const h = useHistoryStore();
    expect(ids(w)).not.toContain(51);
    const expand = w.find('[data-testid="history-row"][data-run-id="50"] [data-testid="history-expand"]');
    expect(expand.attributes('aria-expanded')).toBe('false');
    await expand.trigger('click');
    const drawn = ids(w);
    expect(drawn.slice(drawn.indexOf(50), drawn.indexOf(50) + 5)).toEqual([50, 51, 52, 53, 54]);
    // a click on the toggle does not open the run
    expect(h.selected).toBeNull();
    // Left on a child goes to its procedure, Left again closes it, Right opens it
    const scroller = w.find('[data-testid="history-scroll"]');
    for (let i = 0; i < drawn.indexOf(52); i++) await scroller.trigger('keydown', { key: 'ArrowDown' });
    expect(scroller.attributes('aria-activedescendant')).toBe('history-row-52');
    await scroller.trigger('keydown', { key: 'ArrowLeft' });
    expect(scroller.attributes('aria-activedescendant')).toBe('history-row-50');
    await scroller.trigger('keydown', { key: 'ArrowLeft' });
    expect(ids(w)).not.toContain(51);
    await scroller.trigger('keydown', { key: 'ArrowRight' });
    expect(ids(w)).toContain(54);
    // listing the child runs as rows of their own shows them once, with no toggle
    await w.find('[data-testid="history-filter-children"]').setValue(true);
    expect(ids(w).filter((id) => id === 51)).toHaveLength(1);
    expect(w.find('[data-testid="history-expand"]').exists()).toBe(false);
    w.unmount();
  });

  it('goes to the search on /', async () => {
    const w = await screen();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '/' }));
    expect(document.activeElement).toBe(w.find('[data-testid="history-filter-text"]').element);
    w.unmount();
  });
});

describe('the table rows', () => {
  it('put each open procedure’s children after it, unless child runs are listed anyway', () => {
    const rows = [row(7, { kind: 'snr-sweep' }), row(9, { parentId: 7 }), row(8, { parentId: 7 }), row(6)];
    const f = emptyFilter();
    const top = rows.filter((r) => r.parentId === null);
    const by = childrenByParent(rows);
    expect(by.get(7)?.map((r) => r.id)).toEqual([8, 9]);
    expect(displayRows(top, by, new Set(), f).map((r) => r.id)).toEqual([7, 6]);
    expect(displayRows(top, by, new Set([7]), f).map((r) => r.id)).toEqual([7, 8, 9, 6]);
    expect(displayRows(rows, by, new Set([7]), { ...f, children: true })).toBe(rows);
  });
});
