// Integer matrices as the model and the files carry them: row-major Int32Array.
// Weights are N rows x M outputs; a vector set is T vectors x N rows.

export interface IntMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Int32Array;
}

export function intMatrix(rows: number, cols: number, data?: Int32Array): IntMatrix {
  const d = data ?? new Int32Array(rows * cols);
  if (d.length !== rows * cols) {
    throw new RangeError(`matrix data has ${d.length} values, expected ${rows} x ${cols}`);
  }
  return { rows, cols, data: d };
}

export function matrixFromRows(rows: readonly (readonly number[])[]): IntMatrix {
  const cols = rows[0]?.length ?? 0;
  const m = intMatrix(rows.length, cols);
  rows.forEach((row, r) => {
    if (row.length !== cols) throw new RangeError(`row ${r} has ${row.length} values, expected ${cols}`);
    m.data.set(row, r * cols);
  });
  return m;
}

/** The allowed integer range of inputs x (unsigned BX bits) and weights w (two's complement BW bits). */
export function inputRange(inputBits: number): readonly [number, number] {
  return [0, 2 ** inputBits - 1];
}

export function weightRange(weightBits: number): readonly [number, number] {
  return [-(2 ** (weightBits - 1)), 2 ** (weightBits - 1) - 1];
}

/** Rows start..end of a matrix as a view (no copy). */
export function rowSlice(m: IntMatrix, start: number, end: number): IntMatrix {
  const e = Math.min(end, m.rows);
  return { rows: e - start, cols: m.cols, data: m.data.subarray(start * m.cols, e * m.cols) };
}
