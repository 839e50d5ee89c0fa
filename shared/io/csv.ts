// Integer CSV: comma-separated, one matrix row per line; lines starting with '#' are comments
// (a header), blank lines are ignored. Every row must have as many values as the first.
//
// A file's bytes are first scanned as plain ASCII (digits, signs, commas, spaces, line ends), two
// to three times faster than splitting its text into lines and fields (npm run bench -- csv-import);
// anything the scan is unsure of (another character, an error, a value past 32 bits) goes through
// the text parser, which accepts the same files and names what is wrong.
import { DataFileError, type LocatedMatrix } from './data-file-error';
import type { IntMatrix } from '../model/matrix';

const INTEGER = /^[+-]?\d+$/;

/**
 * A CSV file's bytes as read: the byte scan, else the text parser on `text()`, the bytes decoded as
 * UTF-8 by the caller (shared/ has no decoder; Buffer.toString keeps a byte-order mark, which trimming takes off).
 */
export function parseIntCsvBytes(bytes: Uint8Array, file: string, text: () => string): LocatedMatrix {
  return scanIntCsv(bytes) ?? parseIntCsv(text(), file);
}

/** What String.prototype.trim takes off among ASCII bytes: tab, line feed, vertical tab, form feed, carriage return, space. */
const isBlank = (b: number) => b === 0x20 || (b >= 0x09 && b <= 0x0d);
const COMMA = 0x2c;
const HASH = 0x23;
const PLUS = 0x2b;
const MINUS = 0x2d;
const NEWLINE = 0x0a;

/** The matrix of a plain ASCII integer CSV, or null where the text parser must decide (it then accepts the same, or names the error). */
export function scanIntCsv(bytes: Uint8Array): LocatedMatrix | null {
  const end = bytes.length;
  let data = new Int32Array(Math.min(1 << 16, end + 1));
  let n = 0;
  const lineOfRow: number[] = [];
  let cols = -1;
  for (let start = 0, lineNo = 1; start < end; lineNo++) {
    let eol = bytes.indexOf(NEWLINE, start);
    if (eol < 0) eol = end;
    let p = start;
    start = eol + 1;
    while (p < eol && isBlank(bytes[p] as number)) p++;
    if (p === eol || bytes[p] === HASH) continue;
    let count = 0;
    for (;;) {
      while (p < eol && isBlank(bytes[p] as number)) p++;
      const negative = p < eol && bytes[p] === MINUS;
      if (negative || (p < eol && bytes[p] === PLUS)) p++;
      const first = p;
      let v = 0;
      while (p < eol) {
        const d = (bytes[p] as number) - 48;
        if (d < 0 || d > 9) break;
        v = v * 10 + d;
        p++;
      }
      if (p === first || v > (negative ? 2 ** 31 : 2 ** 31 - 1)) return null;
      while (p < eol && isBlank(bytes[p] as number)) p++;
      if (n === data.length) {
        const grown = new Int32Array(n * 2);
        grown.set(data);
        data = grown;
      }
      data[n++] = negative ? -v : v;
      count++;
      if (p === eol) break;
      if (bytes[p] !== COMMA) return null;
      p++;
    }
    if (cols < 0) cols = count;
    else if (count !== cols) return null;
    lineOfRow.push(lineNo);
  }
  if (cols < 0) return null;
  return { rows: lineOfRow.length, cols, data: data.slice(0, n), locate: (row, col) => `line ${lineOfRow[row]}, column ${col + 1}` };
}

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
