// Lint: typescript-eslint's recommended type-aware rules, plus the project's layering rule.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import osa from './tools/lint/layers.js';

export default tseslint.config(
  // kernels/ is AssemblyScript (function decorators, wasm types): checked by compiling it, in test/model/kernel-build.test.ts
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'renderer/dist/**', 'kernels/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    plugins: { osa },
    rules: {
      'osa/layers': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // test code may assert non-null on indices it just built
    files: ['test/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
