import { webcrypto } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeContentHash, nodeContentHasher, nodeSha256 } from '../../engine/store/node-content-hash';
import { intMatrix, type IntMatrix } from '../../shared/model/matrix';
import { canonicalEncoding, contentHash, contentHashOneShot, createContentHasher, createContentHasherFor, pureSha256 } from '../../shared/workload/content-hash';

/** The hash as it was first defined: pure SHA-256 of the whole canonical encoding. */
const reference = (m: IntMatrix) => `sha256:${bytesToHex(sha256(canonicalEncoding(m)))}`;

const matrixArb = fc
  .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }))
  .chain(([r, c]) =>
    fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: r * c, maxLength: r * c }).map((d) => intMatrix(r, c, Int32Array.from(d))),
  );

describe('content hash backends give identical hashes', () => {
  it('pure, native (node:crypto), fed whole or in any row pieces, on either byte order', () => {
    fc.assert(
      fc.property(matrixArb, fc.integer({ min: 1, max: 12 }), (m, piece) => {
        const want = reference(m);
        expect(contentHash(m)).toBe(want);
        expect(contentHash(m, nodeSha256)).toBe(want);
        expect(nodeContentHash(m)).toBe(want);
        for (const h of [
          createContentHasher(m.rows, m.cols),
          nodeContentHasher(m.rows, m.cols),
          createContentHasherFor(m.rows, m.cols, pureSha256, false),
          createContentHasherFor(m.rows, m.cols, nodeSha256, false),
        ]) {
          for (let r = 0; r < m.rows; r += piece) h.update(m.data.subarray(r * m.cols, Math.min(m.rows, r + piece) * m.cols));
          expect(h.digest()).toBe(want);
        }
      }),
    );
  });

  it('hashes a view into a larger buffer by its own values only', () => {
    const backing = Int32Array.from({ length: 40 }, (_, k) => k * 7919 - 100);
    const view = intMatrix(3, 4, backing.subarray(5, 17));
    const copy = intMatrix(3, 4, backing.slice(5, 17));
    expect(contentHash(view, nodeSha256)).toBe(reference(copy));
  });

  it('on the big-endian path, feeds sets larger than its conversion chunk correctly', () => {
    const m = intMatrix(
      3,
      20_000,
      Int32Array.from({ length: 60_000 }, (_, k) => (k * 2654435761) | 0),
    );
    const h = createContentHasherFor(m.rows, m.cols, nodeSha256, false);
    h.update(m.data);
    expect(h.digest()).toBe(reference(m));
  });

  it('through a one-shot digest such as WebCrypto', async () => {
    await fc.assert(
      fc.asyncProperty(matrixArb, async (m) => {
        expect(await contentHashOneShot(m, (b) => webcrypto.subtle.digest('SHA-256', b))).toBe(reference(m));
      }),
      { numRuns: 30 },
    );
  });
});
