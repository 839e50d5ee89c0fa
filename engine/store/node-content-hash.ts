// The content hash of shared/workload/content-hash.ts with Node's native SHA-256 (OpenSSL, with
// the CPU's SHA instructions where it has them): the same canonical encoding, so the same hash,
// at native speed. shared/ cannot import node:crypto itself, so it is injected from here.
import { createHash } from 'node:crypto';
import { contentHash, createContentHasher, type ContentHasher, type Sha256Factory } from '../../shared/workload/content-hash';
import type { IntMatrix } from '../../shared/model/matrix';

export const nodeSha256: Sha256Factory = () => {
  const h = createHash('sha256');
  return { update: (bytes) => void h.update(bytes), digestHex: () => h.digest('hex') };
};

export function nodeContentHasher(rows: number, cols: number): ContentHasher {
  return createContentHasher(rows, cols, nodeSha256);
}

export function nodeContentHash(m: IntMatrix): string {
  return contentHash(m, nodeSha256);
}
