// A long table drawn a window at a time: only the rows in view (and a few either side) are in the
// DOM, between two spacers as tall as the rows left out, so 10,000 runs cost what 40 do. Rows have
// one height (measured from a drawn row); the scroller's height is watched.
import { computed, onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

export interface RowWindow {
  /** first row drawn */
  readonly start: number;
  /** one past the last row drawn */
  readonly end: number;
  /** the spacers' heights (px) */
  readonly padTop: number;
  readonly padBottom: number;
}

/** Rows drawn either side of those in view, so a scroll by a wheel notch shows no gap. */
export const OVERSCAN = 10;
/** The view's height before it was laid out (happy-dom, a hidden screen): about a screenful. */
const FALLBACK_VIEW_PX = 900;

/** The rows to draw for a scroll position: those in view, `overscan` more either side. */
export function rowWindow(count: number, scrollTop: number, viewHeight: number, rowHeight: number, overscan = OVERSCAN): RowWindow {
  const h = Math.max(1, rowHeight);
  const view = viewHeight > 0 ? viewHeight : FALLBACK_VIEW_PX;
  const first = Math.floor(Math.max(0, scrollTop) / h);
  const start = Math.max(0, Math.min(count, first - overscan));
  const end = Math.min(count, first + Math.ceil(view / h) + overscan);
  return { start, end: Math.max(start, end), padTop: start * h, padBottom: Math.max(0, count - Math.max(start, end)) * h };
}

/**
 * The scroll position that shows row `index` whole below a sticky header of `headHeight`, or null
 * when it is already in view.
 */
export function scrollToShow(index: number, scrollTop: number, viewHeight: number, rowHeight: number, headHeight: number): number | null {
  const top = headHeight + index * rowHeight;
  if (top - headHeight < scrollTop) return Math.max(0, top - headHeight);
  if (viewHeight > 0 && top + rowHeight > scrollTop + viewHeight) return top + rowHeight - viewHeight;
  return null;
}

export interface WindowedRows {
  /** bind to the scrolling element (ref="scroller") */
  readonly scroller: Ref<HTMLElement | null>;
  readonly window: Readonly<Ref<RowWindow>>;
  readonly rowHeight: Readonly<Ref<number>>;
  /** the scroller's scroll listener */
  onScroll(): void;
  /** scroll so that row `index` is in view */
  show(index: number): void;
  /** rows per page (PageUp, PageDown) */
  pageRows(): number;
  /** back to the top (a new filter) */
  toTop(): void;
}

export function useWindowedRows(count: Readonly<Ref<number>>, defaultRowHeight: number): WindowedRows {
  const scroller = ref<HTMLElement | null>(null);
  const scrollTop = ref(0);
  const viewHeight = ref(0);
  const rowHeight = ref(defaultRowHeight);
  let resize: ResizeObserver | null = null;

  const win = computed(() => rowWindow(count.value, scrollTop.value, viewHeight.value, rowHeight.value));

  function headHeight(): number {
    return scroller.value?.querySelector('thead')?.getBoundingClientRect().height ?? 0;
  }

  /**
   * The view's and a drawn row's heights, read when the browser has laid them out (a
   * ResizeObserver's callback), so that reading them forces no extra layout.
   */
  function measure(): void {
    const el = scroller.value;
    if (!el) return;
    viewHeight.value = el.clientHeight;
    const row = el.querySelector<HTMLElement>('tbody tr[data-row]');
    const h = row?.getBoundingClientRect().height ?? 0;
    if (h > 0 && Math.abs(h - rowHeight.value) > 0.5) rowHeight.value = h;
  }

  function onScroll(): void {
    const el = scroller.value;
    if (el) scrollTop.value = el.scrollTop;
  }

  function show(index: number): void {
    const el = scroller.value;
    if (!el) return;
    const to = scrollToShow(index, el.scrollTop, el.clientHeight || FALLBACK_VIEW_PX, rowHeight.value, headHeight());
    if (to === null) return;
    el.scrollTop = to;
    scrollTop.value = to;
  }

  function toTop(): void {
    if (scroller.value) scroller.value.scrollTop = 0;
    scrollTop.value = 0;
  }

  onMounted(() => {
    const el = scroller.value;
    if (!el) return;
    if (typeof ResizeObserver !== 'function') return measure();
    // the scroller (the window resized) and its table (the first rows drawn: the row height)
    resize = new ResizeObserver(() => measure());
    resize.observe(el);
    const table = el.querySelector('table');
    if (table) resize.observe(table);
  });
  onBeforeUnmount(() => resize?.disconnect());

  return {
    scroller,
    window: win,
    rowHeight,
    onScroll,
    show,
    pageRows: () => Math.max(1, Math.floor((viewHeight.value || FALLBACK_VIEW_PX) / rowHeight.value) - 1),
    toTop,
  };
}
