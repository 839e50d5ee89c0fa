// Which screen is shown, kept in the address's hash (#/run, #/history/12, #/compare/12/15), so a
// reload stays put; the query (the token) is never touched.
import { defineStore } from 'pinia';
import { ref } from 'vue';

export const SCREENS = ['bench', 'run', 'procedures', 'history', 'compare'] as const;
export type Screen = (typeof SCREENS)[number];

const idOf = (s: string | undefined) => (s && /^\d+$/.test(s) ? Number(s) : null);

/** The screen, its run (History's open run, Compare's first run) and Compare's second run. */
export function parseHash(hash: string): { screen: Screen; runId: number | null; withId: number | null } {
  const [name, id, other] = hash.replace(/^#\/?/, '').split('/');
  const screen = (SCREENS as readonly string[]).includes(name ?? '') ? (name as Screen) : 'run';
  return { screen, runId: idOf(id), withId: idOf(other) };
}

export const useNavStore = defineStore('nav', () => {
  const initial = parseHash(typeof location === 'undefined' ? '' : location.hash);
  const screen = ref<Screen>(initial.screen);
  /** the history screen's open run; the compare screen's run */
  const runId = ref<number | null>(initial.runId);
  /** the compare screen's second run (null: against the model) */
  const withId = ref<number | null>(initial.withId);

  function go(to: Screen, id: number | null = null, other: number | null = null): void {
    screen.value = to;
    runId.value = id;
    withId.value = id === null ? null : other;
    const hash = `#/${to}${id === null ? '' : `/${id}`}${id !== null && other !== null ? `/${other}` : ''}`;
    if (typeof history !== 'undefined' && location.hash !== hash) history.replaceState(null, '', hash);
  }

  if (typeof window !== 'undefined')
    window.addEventListener('hashchange', () => {
      const h = parseHash(location.hash);
      screen.value = h.screen;
      runId.value = h.runId;
      withId.value = h.withId;
    });

  return { screen, runId, withId, go };
});
