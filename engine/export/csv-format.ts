// CSV text of exported rows (RFC 4180: comma-separated, CRLF-free lines ended by \n, a field
// quoted when it holds a comma, a quote, a line break or spaces at its ends, quotes doubled).
// Numbers are written as JavaScript's shortest round-trip form, so a reader parses back the very
// double the store holds; a code that was not converted is an empty field.
import type { ExportColumn, ExportRows } from './export-columns';

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One CSV field: quoted (quotes doubled) only where a reader would otherwise split or trim it. */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The header line: the column names. */
export function csvHeader(columns: readonly ExportColumn[]): string {
  return `${columns.map((c) => csvField(c.name)).join(',')}\n`;
}

/** Small non-negative integers (indices, levels, codes) as text, made once; others as String() writes them. */
const SMALL = Array.from({ length: 4096 }, (_, i) => String(i));
export const int = (v: number) => (v >= 0 && v < 4096 && (v | 0) === v ? (SMALL[v] as string) : String(v));

/**
 * The lines of rows [from, to) of a block, each ended by \n. `prefix` is the run's constant fields
 * (run_guid and die_id, escaped, with their comma).
 */
export function csvLines(rows: ExportRows, prefix: string, from: number, to: number): string {
  const { planes, codes, modelYhat, exact, modelLevel } = rows;
  const block = `${int(rows.block)},`;
  const lines: string[] = [];
  for (let i = from; i < to; i++) {
    let line =
      prefix +
      block +
      int(rows.vector[i] as number) +
      ',' +
      int(rows.repeat[i] as number) +
      ',' +
      int(rows.output[i] as number) +
      ',' +
      int(rows.level[i] as number) +
      ',' +
      String(rows.digital[i]) +
      ',' +
      String(rows.saliency[i]) +
      ',' +
      String(rows.yhat[i]);
    if (modelYhat && exact && modelLevel) line += `,${String(modelYhat[i])},${String(exact[i])},${int(modelLevel[i] as number)}`;
    for (let p = 0, at = i * planes; p < planes; p++, at++) {
      const c = codes[at] as number;
      line += c < 0 ? ',' : `,${int(c)}`;
    }
    lines.push(line);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
