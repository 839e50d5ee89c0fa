// Integer CSV: comma-separated, one matrix row per line; lines starting with '#' are comments
// (a header), blank lines are ignored. Every row must have as many values as the first.
import { DataFileError, type LocatedMatrix } from './data-file-error';
import type { IntMatrix } from '../model/matrix';

const INTEGER = /^[+-]?\d+$/;

export function parseIntCsv(text: string, file: string): LocatedMatrix {
  const values: number[] = [];
  const lineOfRow: number[] = [];
  let cols = -1;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = (lines[n] as string).replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const lineNo = n + 1;
    const fields = line.split(',');
    if (cols < 0) cols = fields.length;
    else if (fields.length !== cols) {
      throw new DataFileError(file, `line ${lineNo}`, `${fields.length} values, expected ${cols} as on line ${lineOfRow[0]}`);
    }
    fields.forEach((raw, c) => {
      const field = raw.trim();
      if (!INTEGER.test(field)) {
        const shown = field === '' ? 'an empty field' : `'${field.slice(0, 40)}'`;
        throw new DataFileError(file, `line ${lineNo}, column ${c + 1}`, `${shown} is not an integer`);
      }
      const v = Number(field);
      if (!Number.isSafeInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
        throw new DataFileError(file, `line ${lineNo}, column ${c + 1}`, `${field} does not fit a 32-bit integer`);
      }
      values.push(v);
    });
    lineOfRow.push(lineNo);
  }
  if (cols < 0) throw new DataFileError(file, null, 'holds no data rows');
  return {
    rows: lineOfRow.length,
    cols,
    data: Int32Array.from(values),
    locate: (row, col) => `line ${lineOfRow[row]}, column ${col + 1}`,
  };
}

export function formatIntCsv(m: IntMatrix, header?: string): string {
  const out: string[] = header ? [`# ${header}`] : [];
  for (let r = 0; r < m.rows; r++) out.push(Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)).join(','));
  return `${out.join('\n')}\n`;
}
