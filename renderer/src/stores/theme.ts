// Light and dark: the operator's choice kept in localStorage, else the system's
// (prefers-color-scheme). The theme is a data-theme attribute on <html>; the CSS variables in
// styles/theme.css and the plots (charts/colors.ts) follow it.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { loadJson, saveJson } from './persist';

export type Theme = 'light' | 'dark';

function systemTheme(): Theme {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export const useThemeStore = defineStore('theme', () => {
  const stored = loadJson<Theme | null>('theme', null);
  const chosen = ref<Theme | null>(stored === 'light' || stored === 'dark' ? stored : null);
  const system = ref<Theme>(systemTheme());
  const theme = computed<Theme>(() => chosen.value ?? system.value);

  if (typeof matchMedia === 'function') {
    const mq = matchMedia('(prefers-color-scheme: dark)');
    mq.addEventListener?.('change', () => (system.value = systemTheme()));
  }

  const apply = (t: Theme) => document.documentElement.setAttribute('data-theme', t);
  apply(theme.value);
  watch(theme, apply);

  function toggle(): void {
    chosen.value = theme.value === 'dark' ? 'light' : 'dark';
    saveJson('theme', chosen.value);
  }

  return { theme, chosen, toggle };
});
