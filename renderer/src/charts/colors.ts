// The plots' colours, read from the theme's CSS variables (styles/theme.css), so a plot follows
// the light or dark theme like the rest of the page.
import type { Tone } from './plot-spec';

export interface PlotColors {
  readonly tones: Readonly<Record<Tone, string>>;
  readonly grid: string;
  readonly text: string;
  readonly background: string;
}

const VARS: Record<Tone, string> = {
  measured: '--plot-1',
  model: '--plot-2',
  c3: '--plot-3',
  c4: '--plot-4',
  bad: '--plot-5',
  c6: '--plot-6',
  muted: '--plot-muted',
};

const FALLBACK: PlotColors = {
  tones: { measured: '#1f6feb', model: '#d97706', c3: '#16a34a', c4: '#9333ea', bad: '#dc2626', c6: '#0891b2', muted: '#8b949e' },
  grid: 'rgba(127,127,127,0.2)',
  text: '#57606a',
  background: '#ffffff',
};

export function plotColors(root: Element | null = typeof document === 'undefined' ? null : document.documentElement): PlotColors {
  if (!root || typeof getComputedStyle !== 'function') return FALLBACK;
  const style = getComputedStyle(root);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const tones = Object.fromEntries(Object.entries(VARS).map(([tone, v]) => [tone, read(v, FALLBACK.tones[tone as Tone])])) as Record<Tone, string>;
  return { tones, grid: read('--plot-grid', FALLBACK.grid), text: read('--text-muted', FALLBACK.text), background: read('--surface', FALLBACK.background) };
}
