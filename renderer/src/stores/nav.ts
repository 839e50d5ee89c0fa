// Which screen is shown, kept in the address's hash (#/run, #/history/12), so a reload stays put;
// the query (the token) is never touched.
import { defineStore } from 'pinia';
import { ref } from 'vue';

export const SCREENS = ['bench', 'run', 'procedures', 'history'] as const;
export type Screen = (typeof SCREENS)[number];

export function parseHash(hash: string): { screen: Screen; runId: number | null } {
  const [name, id] = hash.replace(/^#\/?/, '').split('/');
  const screen = (SCREENS as readonly string[]).includes(name ?? '') ? (name as Screen) : 'run';
  const runId = id && /^\d+$/.test(id) ? Number(id) : null;
  return { screen, runId };
}

export const useNavStore = defineStore('nav', () => {
  const initial = parseHash(typeof location === 'undefined' ? '' : location.hash);
  const screen = ref<Screen>(initial.screen);
  /** the history screen's open run */
  const runId = ref<number | null>(initial.runId);

  function go(to: Screen, id: number | null = null): void {
    screen.value = to;
    runId.value = id;
    const hash = `#/${to}${id === null ? '' : `/${id}`}`;
    if (typeof history !== 'undefined' && location.hash !== hash) history.replaceState(null, '', hash);
  }

  if (typeof window !== 'undefined')
    window.addEventListener('hashchange', () => {
      const h = parseHash(location.hash);
      screen.value = h.screen;
      runId.value = h.runId;
    });

  return { screen, runId, go };
});
