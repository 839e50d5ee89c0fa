// The renderer's build: `vite build --config renderer/vite.config.ts` (run by `npm run build`)
// writes dist/renderer, which `osa-bench serve` serves. Relative asset URLs (base './'), so the
// same build works from the engine's HTTP server and from a file in the desktop shell; no inline
// scripts, so a strict Content-Security-Policy holds.
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [vue()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // chart.js and zod are most of the bundle; one chunk each keeps the page's own code small
    chunkSizeWarningLimit: 800,
  },
});
