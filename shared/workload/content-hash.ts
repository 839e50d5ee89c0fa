// Content address of a vector set or weight set: SHA-256 of a canonical encoding, so the same
// stimulus is provably identical across files, formats, dies and model versions.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { IntMatrix } from '../model/matrix';

/** `osa-bench:int32le:<rows>x<cols>\n` followed by every value as a little-endian int32, row-major. */
export function canonicalEncoding(m: IntMatrix): Uint8Array {
  const header = asciiBytes(`osa-bench:int32le:${m.rows}x${m.cols}\n`);
  const bytes = new Uint8Array(header.length + m.data.length * 4);
  bytes.set(header);
  const view = new DataView(bytes.buffer, header.length);
  for (let k = 0; k < m.data.length; k++) view.setInt32(k * 4, m.data[k] as number, true);
  return bytes;
}

export function contentHash(m: IntMatrix): string {
  return `sha256:${bytesToHex(sha256(canonicalEncoding(m)))}`;
}

/** The same hash, fed in row-major pieces: a set never has to be in memory whole. */
export function createContentHasher(rows: number, cols: number): { update(values: Int32Array): void; digest(): string } {
  const h = sha256.create();
  h.update(asciiBytes(`osa-bench:int32le:${rows}x${cols}\n`));
  return {
    update(values: Int32Array) {
      const bytes = new Uint8Array(values.length * 4);
      const view = new DataView(bytes.buffer);
      for (let k = 0; k < values.length; k++) view.setInt32(k * 4, values[k] as number, true);
      h.update(bytes);
    },
    digest: () => `sha256:${bytesToHex(h.digest())}`,
  };
}

function asciiBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}
