// Plane popcounts P_ij for every output of one vector, computed from bit-packed input planes.
//
// P_ij[m] = sum_r x_i[r] AND w_j[r][m] is an (input planes x rows) by (rows x columns) product of
// bit matrices. Rather than AND-and-popcount every (i, j, m), the rows are cut into chunks of
// `chunkRows` and, once per weight load, a table holds for every chunk and every bit pattern of
// that chunk the column sums of the weight bits of the rows the pattern selects (the "method of
// four Russians"). One input plane then costs one table row per chunk, skipped when the plane's
// chunk is all zeros, as it mostly is for ReLU activations.
//
// The column sums are packed several to a double (lanes of `laneBits` bits): additions of packed
// lanes stay exact below 2^53 and carry nothing between lanes, since a lane never exceeds N.
import type { IntMatrix } from './matrix';
import type { DieProfile } from './profile';
import { chunkRowsWithin, fillSubsetSums } from './subset-sums';

/** Budget for the table, in doubles; above it the chunks get narrower. */
const TABLE_BUDGET = 4 * 1024 * 1024;
const MAX_CHUNK_ROWS = 8;

export interface PlanePopcounter {
  /** chunk width in rows (pattern bits) */
  readonly chunkRows: number;
  /**
   * Fill `out` (length outputs * BX * BW, index m * BX*BW + i * BW + j) with the plane popcounts
   * of the vector at `vectors[offset .. offset + N)`. Returns the row of the first out-of-range
   * input, or -1 when all inputs are valid.
   */
  popcounts(vectors: Int32Array, offset: number, out: Int32Array): number;
}

export interface PlanePopcounterOptions {
  /** force a chunk width (1..8); by default the widest whose table fits the budget */
  readonly chunkRows?: number;
}

export function createPlanePopcounter(profile: DieProfile, weights: IntMatrix, options: PlanePopcounterOptions = {}): PlanePopcounter {
  const { rows, outputs, inputBits: bx, weightBits: bw } = profile;
  const columns = outputs * bw;
  const laneBits = Math.max(1, Math.ceil(Math.log2(rows + 1)));
  const lanes = Math.max(1, Math.floor(52 / laneBits));
  const laneScale = 2 ** laneBits;
  const invLaneScale = 1 / laneScale;
  const words = Math.ceil(columns / lanes);

  const chunkRows = chunkRowsWithin(rows, words, TABLE_BUDGET, MAX_CHUNK_ROWS, options.chunkRows);
  const chunks = Math.ceil(rows / chunkRows);
  const patterns = 2 ** chunkRows;

  // table[(c * patterns + pattern) * words + d]: packed column sums of the selected rows of chunk c.
  const table = new Float64Array(chunks * patterns * words);
  fillSubsetSums(
    table,
    chunks,
    chunkRows,
    words,
    (r, rowWord) => {
      if (r >= rows) return;
      for (let m = 0; m < outputs; m++) {
        const w = weights.data[r * outputs + m] as number;
        for (let j = 0; j < bw; j++) {
          if ((w >> j) & 1) {
            const col = m * bw + j;
            const d = Math.floor(col / lanes);
            rowWord[d] = (rowWord[d] as number) + 2 ** (laneBits * (col - d * lanes));
          }
        }
      }
    },
    new Float64Array(words),
  );

  const inputMask = ~(2 ** bx - 1);
  const pattern = new Int32Array(bx * chunks);
  const acc = new Float64Array(bx * words);
  const planes = bx * bw;
  // where column (m, j) lands in the output, less the input plane's offset i * BW
  const columnOffset = Int32Array.from({ length: columns }, (_, col) => Math.floor(col / bw) * planes + (col % bw));

  function popcounts(vectors: Int32Array, offset: number, out: Int32Array): number {
    pattern.fill(0);
    for (let r = 0; r < rows; r++) {
      let x = vectors[offset + r] as number;
      if (x === 0) continue;
      if ((x & inputMask) !== 0) return r;
      const c = (r / chunkRows) | 0;
      const bit = 1 << (r - c * chunkRows);
      for (let i = 0; x !== 0; i++, x >>>= 1) {
        if (x & 1) pattern[i * chunks + c] = (pattern[i * chunks + c] as number) | bit;
      }
    }
    // Accumulate in registers, eight (then four, then one) packed words at a time: V8 keeps
    // locals in registers, where a typed-array accumulator would cost a load and a store per add.
    for (let i = 0; i < bx; i++) {
      const pBase = i * chunks;
      const o = i * words;
      let d = 0;
      for (; d + 8 <= words; d += 8) {
        let a0 = 0,
          a1 = 0,
          a2 = 0,
          a3 = 0,
          a4 = 0,
          a5 = 0,
          a6 = 0,
          a7 = 0;
        for (let c = 0; c < chunks; c++) {
          const p = pattern[pBase + c] as number;
          if (p === 0) continue;
          const t = (c * patterns + p) * words + d;
          a0 += table[t] as number;
          a1 += table[t + 1] as number;
          a2 += table[t + 2] as number;
          a3 += table[t + 3] as number;
          a4 += table[t + 4] as number;
          a5 += table[t + 5] as number;
          a6 += table[t + 6] as number;
          a7 += table[t + 7] as number;
        }
        acc[o + d] = a0;
        acc[o + d + 1] = a1;
        acc[o + d + 2] = a2;
        acc[o + d + 3] = a3;
        acc[o + d + 4] = a4;
        acc[o + d + 5] = a5;
        acc[o + d + 6] = a6;
        acc[o + d + 7] = a7;
      }
      for (; d + 4 <= words; d += 4) {
        let a0 = 0,
          a1 = 0,
          a2 = 0,
          a3 = 0;
        for (let c = 0; c < chunks; c++) {
          const p = pattern[pBase + c] as number;
          if (p === 0) continue;
          const t = (c * patterns + p) * words + d;
          a0 += table[t] as number;
          a1 += table[t + 1] as number;
          a2 += table[t + 2] as number;
          a3 += table[t + 3] as number;
        }
        acc[o + d] = a0;
        acc[o + d + 1] = a1;
        acc[o + d + 2] = a2;
        acc[o + d + 3] = a3;
      }
      for (; d < words; d++) {
        let a0 = 0;
        for (let c = 0; c < chunks; c++) {
          const p = pattern[pBase + c] as number;
          if (p !== 0) a0 += table[(c * patterns + p) * words + d] as number;
        }
        acc[o + d] = a0;
      }
    }
    for (let i = 0; i < bx; i++) {
      let col = 0;
      for (let d = 0; d < words; d++) {
        let v = acc[i * words + d] as number;
        for (let lane = 0; lane < lanes && col < columns; lane++, col++) {
          const q = Math.floor(v * invLaneScale);
          out[(columnOffset[col] as number) + i * bw] = v - q * laneScale;
          v = q;
        }
      }
    }
    return -1;
  }

  return { chunkRows, popcounts };
}
