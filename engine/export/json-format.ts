// JSON Lines text of an export (docs/export.md): an `export` line (format, columns and units),
// a `run` line per run (configuration, figures, provenance), a `block` line per stored block
// with its rows as columns (one array per column, a row per MAC), and an `end` line with the
// counts, so a reader knows the file is whole.
import { blockFigures } from '../../shared/api/figures';
import type { ExportBlock } from './export-blocks';
import { int } from './csv-format';
import { codeColumn, type ExportRows } from './export-columns';

/** Numbers as a JSON array; a value JSON cannot hold (NaN, an infinity) is null, as JSON.stringify writes it. */
function numbers(a: ArrayLike<number>): string {
  let finite = true;
  for (let i = 0; i < a.length && finite; i++) finite = Number.isFinite(a[i]);
  return finite ? `[${Array.prototype.join.call(a, ',')}]` : JSON.stringify(Array.from(a));
}

/** One plane's codes over the block's MACs: null where the plane was not converted. */
function planeCodes(codes: Int16Array, planes: number, p: number, n: number): string {
  const out: string[] = [];
  for (let i = 0, at = p; i < n; i++, at += planes) {
    const c = codes[at] as number;
    out.push(c < 0 ? 'null' : int(c));
  }
  return `[${out.join(',')}]`;
}

/** The `block` line of a stored block, ended by \n. */
export function jsonBlockLine(rows: ExportRows, b: ExportBlock): string {
  const head = {
    type: 'block',
    run: rows.run.row.guid,
    block: b.block,
    firstVector: b.firstVector,
    vectors: b.vectors,
    repeat: b.repeat,
    outputs: b.outputs,
    planes: b.planes,
    rows: rows.length,
    figures: blockFigures(b.summary),
    power: b.power,
  };
  const cols: string[] = [
    `"vector":${numbers(rows.vector)}`,
    `"repeat":${numbers(rows.repeat)}`,
    `"output":${numbers(rows.output)}`,
    `"level":${numbers(rows.level)}`,
    `"digital_d_xw":${numbers(rows.digital)}`,
    `"saliency_s_xw":${numbers(rows.saliency)}`,
    `"yhat_xw":${numbers(rows.yhat)}`,
  ];
  if (rows.modelYhat && rows.exact && rows.modelLevel)
    cols.push(`"model_yhat_xw":${numbers(rows.modelYhat)}`, `"exact_y_xw":${numbers(rows.exact)}`, `"model_level":${numbers(rows.modelLevel)}`);
  for (let p = 0; p < rows.planes; p++) cols.push(`"${codeColumn(p)}":${planeCodes(rows.codes, rows.planes, p, rows.length)}`);
  const json = JSON.stringify(head);
  return `${json.slice(0, -1)},"columns":{${cols.join(',')}}}\n`;
}
