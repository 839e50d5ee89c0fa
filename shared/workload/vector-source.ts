// A vector set read batch by batch: a matrix in memory, or a workload made as it is read. Runs of
// millions of vectors never hold the whole set.
import type { IntMatrix } from '../model/matrix';
import { createContentHasher } from './content-hash';

export interface VectorSource {
  /** vectors */
  readonly rows: number;
  /** inputs per vector (N) */
  readonly cols: number;
  /** vectors first..first+count-1, row-major; sequential reads are cheap */
  read(first: number, count: number): Int32Array;
}

export function matrixSource(m: IntMatrix): VectorSource {
  return { rows: m.rows, cols: m.cols, read: (first, count) => m.data.subarray(first * m.cols, (first + count) * m.cols) };
}

/** Visit a source in chunks, in order (for hashing and storing it once). */
export function forEachChunk(src: VectorSource, chunkVectors: number, fn: (first: number, data: Int32Array, count: number) => void): void {
  for (let first = 0; first < src.rows; first += chunkVectors) {
    const count = Math.min(chunkVectors, src.rows - first);
    fn(first, src.read(first, count), count);
  }
}

/** The content hash of a source, read once in order; equal to contentHash of the same matrix. */
export function sourceHash(src: VectorSource, chunkVectors = 4096): string {
  const h = createContentHasher(src.rows, src.cols);
  forEachChunk(src, chunkVectors, (_, data) => h.update(data));
  return h.digest();
}
