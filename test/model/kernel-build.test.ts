// The WebAssembly bytes in shared/model/plane-kernel-wasm.ts are generated from
// kernels/plane-kernel.ts: they must be what that source compiles to now.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { compileKernel, moduleText } from '../../tools/build-kernels.mjs';

describe('the committed WebAssembly kernel', () => {
  it('is the compilation of its AssemblyScript source (run npm run build:kernels after editing it)', () => {
    const committed = readFileSync(fileURLToPath(new URL('../../shared/model/plane-kernel-wasm.ts', import.meta.url)), 'utf8');
    expect(committed).toBe((moduleText as (b: Uint8Array) => string)((compileKernel as () => Uint8Array)()));
  });
});
