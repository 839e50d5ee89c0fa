// The layer rule covers the renderer's .vue files as it covers its .ts files: no Node, no engine,
// no drivers, only the renderer's packages.
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
// the inputs are virtual files that no tsconfig holds, so they are linted without type information
const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${file}` });
  const messages = result?.messages ?? [];
  const fatal = messages.find((m) => m.fatal);
  if (fatal) throw new Error(`${file} was not linted: ${fatal.message}`);
  return messages.filter((m) => m.ruleId === 'osa/layers').map((m) => m.message);
}

const sfc = (imports: string) => `<script setup lang="ts">\n${imports}\nvoid x;\n</script>\n\n<template>\n  <p>x</p>\n</template>\n`;

describe('osa/layers on .vue files', () => {
  it.each([
    ["import { x } from 'node:fs';", /renderer\/ must not import the Node built-in 'node:fs'/],
    ["import { x } from '../../../engine/service/bench';", /renderer\/ must not import engine\//],
    ["import { x } from '../../../drivers/clock';", /renderer\/ must not import drivers\//],
    ["import { x } from 'serialport';", /native module 'serialport'/],
    ["import { x } from 'lodash';", /renderer\/ may use only the packages .*, not 'lodash'/],
  ])('renderer/src/components/X.vue: %s is refused', async (code, message) => {
    const errors = await layerErrors('renderer/src/components/Virtual.vue', sfc(code));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  it('lets a .vue file import shared/, the renderer and its packages', async () => {
    const ok = sfc(
      "import { x } from '../../../shared/api/client';\nimport { y } from '../stores/bench';\nimport { ref } from 'vue';\nimport { Chart } from 'chart.js';",
    );
    expect(await layerErrors('renderer/src/components/Virtual.vue', ok)).toEqual([]);
  });
});
