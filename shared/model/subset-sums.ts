// The table behind the "method of four Russians": for every chunk of rows and every subset of its
// rows (a bit pattern), the sum of the chunk's row vectors the pattern selects. Each pattern is
// the same pattern without its highest bit plus that bit's row: one add per entry.

/**
 * Fill `table` ((chunk * 2^chunkRows + pattern) * width + k) for `chunks` chunks. `rowVector`
 * writes the `width` entries of one row (row index = chunk * chunkRows + bit; rows past the end
 * are zero) into `out`. Works for any typed array the sums fit in.
 */
export function fillSubsetSums<T extends Float64Array | Uint8Array>(
  table: T,
  chunks: number,
  chunkRows: number,
  width: number,
  rowVector: (row: number, out: T) => void,
  scratch: T,
): void {
  const patterns = 2 ** chunkRows;
  for (let c = 0; c < chunks; c++) {
    const chunkBase = c * patterns * width;
    for (let bit = 0; bit < chunkRows; bit++) {
      scratch.fill(0);
      rowVector(c * chunkRows + bit, scratch);
      const first = 1 << bit;
      for (let p = first; p < first << 1; p++) {
        const dst = chunkBase + p * width;
        const src = chunkBase + (p - first) * width;
        for (let k = 0; k < width; k++) table[dst + k] = (table[src + k] as number) + (scratch[k] as number);
      }
    }
  }
}

/**
 * The widest chunk (at most `maxRows` rows) whose table of `entriesPerPattern` entries per bit
 * pattern stays within `budget` entries; `forced` wins when given.
 */
export function chunkRowsWithin(rows: number, entriesPerPattern: number, budget: number, maxRows: number, forced?: number): number {
  if (forced !== undefined) return forced;
  let chunkRows = maxRows;
  while (chunkRows > 1 && Math.ceil(rows / chunkRows) * 2 ** chunkRows * entriesPerPattern > budget) chunkRows--;
  return chunkRows;
}
