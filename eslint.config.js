// Lint: typescript-eslint's recommended type-checked rules, plus the project's layering rule.
import js from '@eslint/js';
import globals from 'globals';
import pluginVue from 'eslint-plugin-vue';
import tseslint from 'typescript-eslint';
import vueParser from 'vue-eslint-parser';
import osa from './tools/lint/layers.js';

/** Vue's template rules about layout: Prettier formats the templates, these would fight it. */
const VUE_LAYOUT_RULES = [
  'vue/max-attributes-per-line',
  'vue/singleline-html-element-content-newline',
  'vue/multiline-html-element-content-newline',
  'vue/html-self-closing',
  'vue/html-indent',
  'vue/html-closing-bracket-newline',
  'vue/html-closing-bracket-spacing',
  'vue/first-attribute-linebreak',
  'vue/mustache-interpolation-spacing',
  'vue/html-quotes',
];

export default tseslint.config(
  // kernels/ is AssemblyScript (function decorators, wasm types): checked by compiling it, in test/model/kernel-build.test.ts
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'renderer/dist/**', 'kernels/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      ecmaVersion: 2023,
      sourceType: 'module',
      // each file is checked with the nearest tsconfig.json: shared/tsconfig.json in shared/, the root one elsewhere
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { osa },
    rules: {
      'osa/layers': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // the renderer's .vue files: eslint-plugin-vue's recommended rules, the TypeScript parser for
  // <script lang="ts"> (type-checked with renderer/tsconfig.json, as its .ts files are), the layer rule
  ...pluginVue.configs['flat/recommended'].map((c) => ({ ...c, files: ['renderer/**/*.vue'] })),
  {
    files: ['renderer/**/*.vue'],
    languageOptions: {
      parser: vueParser,
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], projectService: true, tsconfigRootDir: import.meta.dirname, sourceType: 'module' },
    },
    rules: Object.fromEntries(VUE_LAYOUT_RULES.map((r) => [r, 'off'])),
  },
  {
    // the renderer runs in a browser (or Electron's sandboxed renderer), never under Node
    files: ['renderer/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // plain JavaScript (bin/, tools/, the config files, the writer worker) is not in a TypeScript program
    files: ['**/*.{js,mjs,cjs}'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // CommonJS by necessity (electron-builder's hooks): require is how it imports
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // the store keeps its database to itself: outside engine/store/ (and the tests and benchmarks
    // that inject faults or seed data), SQLite is reached through RunStore's methods
    files: ['**/*.{ts,mts,vue}'],
    ignores: ['engine/store/**', 'test/**', 'bench/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[property.name='db'][object.name=/[sS]tore$/]", message: 'raw SQLite outside engine/store/: add a method to RunStore' },
      ],
    },
  },
  {
    // test code may assert non-null on indices it just built
    files: ['test/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
