import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // the renderer's component tests (test/renderer) import .vue files
  plugins: [vue()],
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // a beforeAll that logs a run (test/export) is as slow as a test on a loaded 2-core machine
    hookTimeout: 60_000,
  },
});
