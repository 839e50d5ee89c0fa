// The columns of an exported run, the same in CSV, JSON and Parquet (docs/export.md): one row per
// MAC, the measured values beside the model's, and the ADC code of every analog plane. A block of
// the store becomes its rows here, as typed arrays, for each writer to format. A measured column's
// name ends with its unit (`_xw`, `_lsb`), so a CSV header says it too.
import type { ExportBlock } from './export-blocks';
import type { ExportRun } from './export-source';

export type ColumnKind = 'string' | 'index' | 'level' | 'sum' | 'double' | 'code';

export interface ExportColumn {
  readonly name: string;
  /** null: an index or a count, no unit */
  readonly unit: string | null;
  readonly kind: ColumnKind;
  readonly description: string;
}

/** The unit of D, S, y and yhat: one input LSB times one weight LSB, the integer MAC sum's own. */
export const MAC_UNIT = 'x*w';
/** The unit of an ADC code. */
export const CODE_UNIT = 'LSB';

const FIXED: readonly ExportColumn[] = [
  { name: 'run_guid', unit: null, kind: 'string', description: 'the run the row was measured in' },
  { name: 'die_id', unit: null, kind: 'string', description: "the die, from the run's provenance (empty when it does not say)" },
  { name: 'block', unit: null, kind: 'index', description: 'the stored block (batch) of the run that holds the row' },
  { name: 'vector', unit: null, kind: 'index', description: "index of the input vector in the run's vector set, from 0" },
  { name: 'repeat', unit: null, kind: 'index', description: 'repeat index of the vector within its batch, from 0' },
  { name: 'output', unit: null, kind: 'index', description: 'output column m of the MAC, from 0' },
  { name: 'level', unit: null, kind: 'level', description: 'saliency level the die chose (0 outside osa mode)' },
  { name: 'digital_d_xw', unit: MAC_UNIT, kind: 'sum', description: 'measured digital partial sum D' },
  { name: 'saliency_s_xw', unit: MAC_UNIT, kind: 'sum', description: 'measured saliency estimate S (0 outside osa mode)' },
  { name: 'yhat_xw', unit: MAC_UNIT, kind: 'double', description: 'measured result: D + A * N / L, A from the ADC codes (calibrated when the run had a calibration)' },
  { name: 'model_yhat_xw', unit: MAC_UNIT, kind: 'double', description: "the reference model's result for the same vector and configuration" },
  { name: 'exact_y_xw', unit: MAC_UNIT, kind: 'sum', description: 'the exact integer MAC sum of x * w' },
  { name: 'model_level', unit: null, kind: 'level', description: 'saliency level the model chose' },
];

/** The ADC code column of plane p = i * weightBits + j (input bit i, weight bit j). */
export const codeColumn = (p: number) => `code_p${p}_lsb`;

/** The model's columns: recomputed from the stimulus, left out of an export made with `model: false`. */
export const MODEL_COLUMNS: ReadonlySet<string> = new Set(['model_yhat_xw', 'exact_y_xw', 'model_level']);

export function exportColumns(planes: number, model = true): ExportColumn[] {
  const codes = Array.from({ length: planes }, (_, p): ExportColumn => ({
    name: codeColumn(p),
    unit: CODE_UNIT,
    kind: 'code',
    description: `raw ADC code of plane ${p}; empty (null) where the plane was not converted (digital or skipped at the MAC's level)`,
  }));
  return [...(model ? FIXED : FIXED.filter((c) => !MODEL_COLUMNS.has(c.name))), ...codes];
}

/** The rows of one block: one per MAC, in the store's order (vector-major, repeats after each other). */
export interface ExportRows {
  readonly run: ExportRun;
  readonly block: number;
  readonly length: number;
  readonly planes: number;
  readonly vector: Int32Array;
  readonly repeat: Int32Array;
  readonly output: Int32Array;
  readonly level: Uint8Array;
  readonly digital: Float64Array;
  readonly saliency: Float64Array;
  readonly yhat: Float64Array;
  /** the model's values: null when the export leaves them out */
  readonly modelYhat: Float64Array | null;
  readonly exact: Float64Array | null;
  readonly modelLevel: Uint8Array | null;
  /** per MAC and plane (index mac * planes + p); -1 where the plane was not converted */
  readonly codes: Int16Array;
}

/** Where each MAC of a block sits: MAC i is record i / outputs (vector first + record mod vectors, repeat record / vectors), output i mod outputs. */
export function macIndices(b: { readonly digital: ArrayLike<number>; readonly outputs: number; readonly vectors: number; readonly firstVector: number }): {
  vector: Int32Array;
  repeat: Int32Array;
  output: Int32Array;
} {
  const n = b.digital.length;
  const vector = new Int32Array(n);
  const repeat = new Int32Array(n);
  const output = new Int32Array(n);
  const outputs = b.outputs;
  const vectors = Math.max(1, b.vectors);
  for (let i = 0, record = 0; i < n; record++) {
    const v = b.firstVector + (record % vectors);
    const r = Math.floor(record / vectors);
    for (let m = 0; m < outputs && i < n; m++, i++) {
      vector[i] = v;
      repeat[i] = r;
      output[i] = m;
    }
  }
  return { vector, repeat, output };
}

/** A block's MACs as rows, in the store's order. */
export function blockRows(run: ExportRun, b: ExportBlock): ExportRows {
  return {
    run,
    block: b.block,
    length: b.digital.length,
    planes: b.planes,
    ...macIndices(b),
    level: b.level,
    digital: b.digital,
    saliency: b.saliency,
    yhat: b.yhat,
    modelYhat: b.modelYhat,
    exact: b.exact,
    modelLevel: b.modelLevel,
    codes: b.codes,
  };
}

/** Whether D, S and y of this profile fit int32: |sum| < rows * 2^(inputBits + weightBits). */
export const sumsFitInt32 = (p: { rows: number; inputBits: number; weightBits: number }) => Math.log2(p.rows) + p.inputBits + p.weightBits <= 31;
