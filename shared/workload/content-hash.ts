// Content address of a vector set or weight set: SHA-256 of a canonical encoding, so the same
// stimulus is provably identical across files, formats, dies and model versions.
//
// shared/ may not import node:crypto, so the SHA-256 is a parameter: the pure @noble/hashes one by
// default, Node's native one injected by engine/ and cli/ (engine/store/node-content-hash.ts). Every
// implementation sees the same bytes, so the hash does not depend on which one ran.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { IntMatrix } from '../model/matrix';

/** A SHA-256 fed in pieces. */
export interface Sha256 {
  update(bytes: Uint8Array): void;
  /** lowercase hex */
  digestHex(): string;
}

export type Sha256Factory = () => Sha256;

/** SHA-256 in pure TypeScript: runs anywhere, about 150 MB/s. */
export const pureSha256: Sha256Factory = () => {
  const h = sha256.create();
  return { update: (bytes) => void h.update(bytes), digestHex: () => bytesToHex(h.digest()) };
};

export interface ContentHasher {
  update(values: Int32Array): void;
  digest(): string;
}

/** On a little-endian host an Int32Array's own bytes are the encoding: no conversion, no copy. */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Values converted per piece on a big-endian host, so no second copy of a whole set is made. */
const SWAP_CHUNK = 16384;

function header(rows: number, cols: number): Uint8Array {
  return asciiBytes(`osa-bench:int32le:${rows}x${cols}\n`);
}

/** Feed values as little-endian int32 bytes. */
function feedValues(h: Sha256, values: Int32Array, littleEndian: boolean): void {
  if (littleEndian) {
    h.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    return;
  }
  const chunk = new Uint8Array(Math.min(values.length, SWAP_CHUNK) * 4);
  const view = new DataView(chunk.buffer);
  for (let start = 0; start < values.length; start += SWAP_CHUNK) {
    const n = Math.min(SWAP_CHUNK, values.length - start);
    for (let k = 0; k < n; k++) view.setInt32(k * 4, values[start + k] as number, true);
    h.update(n === SWAP_CHUNK ? chunk : chunk.subarray(0, n * 4));
  }
}

/** `osa-bench:int32le:<rows>x<cols>\n` followed by every value as a little-endian int32, row-major. */
export function canonicalEncoding(m: IntMatrix): Uint8Array<ArrayBuffer> {
  const head = header(m.rows, m.cols);
  const bytes = new Uint8Array(head.length + m.data.length * 4);
  bytes.set(head);
  const view = new DataView(bytes.buffer, head.length);
  for (let k = 0; k < m.data.length; k++) view.setInt32(k * 4, m.data[k] as number, true);
  return bytes;
}

/** The hash of the canonical encoding, fed straight from the matrix (the encoding is never built). */
export function contentHash(m: IntMatrix, sha: Sha256Factory = pureSha256): string {
  const h = createContentHasher(m.rows, m.cols, sha);
  h.update(m.data);
  return h.digest();
}

/** The same hash, fed in row-major pieces: a set never has to be in memory whole. */
export function createContentHasher(rows: number, cols: number, sha: Sha256Factory = pureSha256): ContentHasher {
  return createContentHasherFor(rows, cols, sha, LITTLE_ENDIAN);
}

/** @internal the host's byte order as a parameter, so tests can take the big-endian path too */
export function createContentHasherFor(rows: number, cols: number, sha: Sha256Factory, littleEndian: boolean): ContentHasher {
  const h = sha();
  h.update(header(rows, cols));
  return {
    update: (values) => feedValues(h, values, littleEndian),
    digest: () => `sha256:${h.digestHex()}`,
  };
}

/**
 * The same hash through a one-shot digest such as WebCrypto's
 * `(b) => crypto.subtle.digest('SHA-256', b)`, for a browser. A one-shot digest cannot be fed in
 * pieces, so this builds the canonical encoding once.
 */
export async function contentHashOneShot(m: IntMatrix, digest: (bytes: Uint8Array<ArrayBuffer>) => Promise<ArrayBuffer>): Promise<string> {
  return `sha256:${bytesToHex(new Uint8Array(await digest(canonicalEncoding(m))))}`;
}

function asciiBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}
