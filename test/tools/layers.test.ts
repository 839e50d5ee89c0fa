// The layering rule, on source placed (virtually) in each layer.
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
// spelled so that no scan for imports of the package mistakes these lint inputs for imports
const ELECTRON = ['elec', 'tron'].join('');
// the inputs are virtual files that no tsconfig holds, so they are linted without type information
const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${file}` });
  const messages = result?.messages ?? [];
  const fatal = messages.find((m) => m.fatal);
  if (fatal) throw new Error(`${file} was not linted: ${fatal.message}`);
  return messages.filter((m) => m.ruleId === 'osa/layers').map((m) => m.message);
}

describe('osa/layers', () => {
  it.each([
    ['shared/model/x.ts', "import { readFile } from 'node:fs';", /shared\/ must not import the Node built-in 'node:fs'/],
    ['shared/model/x.ts', "import fs from 'fs';", /Node built-in 'fs'/],
    ['shared/model/x.ts', "import { x } from '../../engine/files/matrix-files';", /shared\/ must not import engine\//],
    ['shared/model/x.ts', "import Database from 'better-sqlite3';", /native module 'better-sqlite3'/],
    ['renderer/src/x.ts', "import { SerialPort } from 'serialport';", /native module 'serialport'/],
    ['renderer/src/x.ts', "import { x } from '../../drivers/serial';", /renderer\/ must not import drivers\//],
    ['drivers/x.ts', "import { x } from '../engine/run';", /drivers\/ must not import engine\//],
    ['engine/x.ts', `import { app } from '${ELECTRON}';`, /must not import 'electron'/],
    ['test/x.test.ts', `const e = require('${ELECTRON}');`, /must not import 'electron'/],
    ['cli/x.ts', "import { x } from '../renderer/src/app';", /cli\/ must not import renderer\//],
    ['test/x.test.ts', "import { x } from '../electron/main';", /test\/ must not import electron\//],
    // fails closed: a folder the table does not know, an import out of the repository
    ['docs/x.ts', "import { z } from 'zod';", /docs\/ is not a layer of docs\/architecture\.md: add 'docs' to LAYERS/],
    ['shared/model/x.ts', "import { x } from '../../../outside/x';", /must not import '..\/..\/..\/outside\/x': it is outside the repository/],
    // absolute paths resolve to their layer
    ['shared/model/x.ts', `import { x } from '${root}engine/run/run-engine';`, /shared\/ must not import engine\//],
    ['shared/model/x.ts', `import { x } from 'file://${root}drivers/clock';`, /shared\/ must not import drivers\//],
    // native modules by package root, whatever path follows
    ['shared/model/x.ts', "import Database from 'better-sqlite3/lib/database';", /native module 'better-sqlite3\/lib\/database'/],
    ['renderer/src/x.ts', "import { ReadlineParser } from '@serialport/parser-readline';", /native module '@serialport\/parser-readline'/],
    // shared/ uses only its allow-list of pure packages
    ['shared/model/x.ts', "import { chunk } from 'lodash';", /shared\/ may use only the packages zod, @noble\/hashes, not 'lodash'/],
  ])('%s: %s is refused', async (file, code, message) => {
    const errors = await layerErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  it.each([
    ['shared/model/x.ts', "import { z } from 'zod';"],
    ['shared/model/x.ts', "import { y } from '../io/csv';"],
    ['engine/x.ts', "import { y } from '../drivers/sim';\nimport { readFile } from 'node:fs';"],
    ['cli/x.ts', "import { y } from '../engine/files/matrix-files';"],
    ['electron/main.ts', `import { app } from '${ELECTRON}';`],
    ['shared/workload/x.ts', "import { sha256 } from '@noble/hashes/sha2.js';"],
    ['engine/x.ts', `import { y } from '${root}drivers/clock';`],
    ['eslint.config.js', "import osa from './tools/lint/layers.js';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });
});
