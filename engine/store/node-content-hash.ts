// The content hash of shared/workload/content-hash.ts with Node's native SHA-256: the same
// canonical encoding (header, then int32 little-endian), so the same hash, at native speed.
import { createHash } from 'node:crypto';

export function nodeContentHasher(rows: number, cols: number): { update(values: Int32Array): void; digest(): string } {
  const h = createHash('sha256').update(`osa-bench:int32le:${rows}x${cols}\n`, 'latin1');
  return {
    // the store only runs on little-endian hosts (run-store.ts): the array's bytes are the encoding
    update: (values) => void h.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)),
    digest: () => `sha256:${h.digest('hex')}`,
  };
}
