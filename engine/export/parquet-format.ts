// Parquet output of an export through hyparquet-writer's ParquetWriter, row group by row group:
// rows gather in one fixed-size group (typed arrays), the group is encoded and handed to the sink,
// and the writer waits for the sink before taking more, so memory holds one group whatever the
// run's length. Compressed with GZIP (native zlib; Node 20 has no zstd). The provenance goes
// into the file's key-value metadata (docs/export.md).
import { gzipSync } from 'node:zlib';
import { ByteWriter, ParquetWriter, type ColumnSource, type KeyValue, type SchemaElement, type Writer } from 'hyparquet-writer';
import { exportColumns, sumsFitInt32, type ExportColumn, type ExportRows } from './export-columns';
import type { ExportSource } from './export-source';
import type { ByteSink } from './byte-sink';

/** How the file is laid out: rows per row group, and the GZIP level. */
export interface ParquetTuning {
  readonly rowGroupRows: number;
  readonly gzipLevel: number;
}

/**
 * 12,288 rows (1,536 vectors of 8 outputs) per row group. hyparquet-writer makes each column's
 * definition levels with `new Array(rows)`, which V8 turns into a slow dictionary-mode array from
 * about 16,380 elements up: groups past that encode 2.5 times slower (docs/benchmarks.md, export).
 * Level 1: level 6 is about 3 % smaller and twice as slow.
 */
export const PARQUET_DEFAULTS: ParquetTuning = { rowGroupRows: 12288, gzipLevel: 1 };

/** Columns whose min and max go into the file: what a reader filters runs, dies and vectors by. */
const WITH_STATISTICS = new Set(['run_guid', 'die_id', 'block', 'vector']);

function schemaOf(columns: readonly ExportColumn[], wideSums: boolean): SchemaElement[] {
  const element = (c: ExportColumn): SchemaElement => {
    switch (c.kind) {
      case 'string':
        return { name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' };
      case 'index':
        return { name: c.name, type: 'INT32', repetition_type: 'REQUIRED' };
      case 'level':
        return { name: c.name, type: 'INT32', converted_type: 'UINT_8', repetition_type: 'REQUIRED' };
      case 'sum':
        return { name: c.name, type: wideSums ? 'INT64' : 'INT32', repetition_type: 'REQUIRED' };
      case 'double':
        return { name: c.name, type: 'DOUBLE', repetition_type: 'REQUIRED' };
      case 'code':
        // ADCs have at most 12 bits (profile limits): SMALLINT in DuckDB, int16 in pandas
        return { name: c.name, type: 'INT32', converted_type: 'INT_16', repetition_type: 'OPTIONAL' };
    }
  };
  return [{ name: 'root', num_children: columns.length }, ...columns.map(element)];
}

/**
 * hyparquet-writer's byte writer, handing each row group's bytes to the sink: ParquetWriter calls
 * `flush` after each row group and awaits the promise it returns before the next one, and
 * `finish` after the footer.
 */
function sinkWriter(sink: ByteSink): Writer {
  const writer = new ByteWriter(1 << 20);
  const flush = (): Promise<void> => {
    if (writer.index === 0) return Promise.resolve();
    const chunk = new Uint8Array(writer.buffer.slice(0, writer.index));
    writer.index = 0;
    return sink.write(chunk);
  };
  return Object.assign(writer, { flush, finish: flush });
}

/** The rows of one row group, gathered across blocks (and runs) into preallocated arrays. */
class RowGroup {
  n = 0;
  readonly run: Int32Array;
  readonly block: Int32Array;
  readonly vector: Int32Array;
  readonly repeat: Int32Array;
  readonly output: Int32Array;
  readonly level: Uint8Array;
  readonly modelLevel: Uint8Array;
  readonly digital: Float64Array;
  readonly saliency: Float64Array;
  readonly exact: Float64Array;
  readonly yhat: Float64Array;
  readonly modelYhat: Float64Array;
  readonly codes: Int16Array;

  constructor(
    readonly size: number,
    readonly planes: number,
  ) {
    this.run = new Int32Array(size);
    this.block = new Int32Array(size);
    this.vector = new Int32Array(size);
    this.repeat = new Int32Array(size);
    this.output = new Int32Array(size);
    this.level = new Uint8Array(size);
    this.modelLevel = new Uint8Array(size);
    this.digital = new Float64Array(size);
    this.saliency = new Float64Array(size);
    this.exact = new Float64Array(size);
    this.yhat = new Float64Array(size);
    this.modelYhat = new Float64Array(size);
    this.codes = new Int16Array(size * planes);
  }

  /** Take rows [from, from + count) of a block; count must fit. */
  take(rows: ExportRows, run: number, from: number, count: number): void {
    const at = this.n;
    const to = from + count;
    this.run.fill(run, at, at + count);
    this.block.fill(rows.block, at, at + count);
    this.vector.set(rows.vector.subarray(from, to), at);
    this.repeat.set(rows.repeat.subarray(from, to), at);
    this.output.set(rows.output.subarray(from, to), at);
    this.level.set(rows.level.subarray(from, to), at);
    this.modelLevel.set(rows.modelLevel.subarray(from, to), at);
    this.digital.set(rows.digital.subarray(from, to), at);
    this.saliency.set(rows.saliency.subarray(from, to), at);
    this.exact.set(rows.exact.subarray(from, to), at);
    this.yhat.set(rows.yhat.subarray(from, to), at);
    this.modelYhat.set(rows.modelYhat.subarray(from, to), at);
    this.codes.set(rows.codes.subarray(from * this.planes, to * this.planes), at * this.planes);
    this.n += count;
  }
}

/** Writes an export's rows as one Parquet file onto a sink: `add` each block's rows, then `finish`. */
export class ParquetExport {
  private readonly writer: ParquetWriter;
  private readonly group: RowGroup;
  private readonly columns: ExportColumn[];
  private readonly wideSums: boolean;
  private readonly guids: string[];
  private readonly dies: string[];
  rows = 0;

  constructor(
    sink: ByteSink,
    source: ExportSource,
    metadata: readonly KeyValue[],
    createdBy: string,
    readonly tuning: ParquetTuning = PARQUET_DEFAULTS,
  ) {
    this.columns = exportColumns(source.planes);
    this.wideSums = !source.runs.every((r) => sumsFitInt32(r.profile));
    this.guids = source.runs.map((r) => r.row.guid);
    this.dies = source.runs.map((r) => r.dieId);
    this.group = new RowGroup(tuning.rowGroupRows, source.planes);
    const level = tuning.gzipLevel;
    this.writer = new ParquetWriter({
      writer: sinkWriter(sink),
      schema: schemaOf(this.columns, this.wideSums),
      codec: 'GZIP',
      compressors: { GZIP: (bytes: Uint8Array) => gzipSync(bytes, { level }) },
      statistics: false,
      kvMetadata: [...metadata],
      createdBy,
    });
  }

  /** A block's rows, `run` the index of its run in the source; resolves once full groups are written. */
  async add(rows: ExportRows, run: number): Promise<void> {
    let from = 0;
    while (from < rows.length) {
      const count = Math.min(rows.length - from, this.group.size - this.group.n);
      this.group.take(rows, run, from, count);
      from += count;
      if (this.group.n === this.group.size) await this.flushGroup();
    }
  }

  async finish(): Promise<void> {
    await this.flushGroup();
    await this.writer.finish();
  }

  private async flushGroup(): Promise<void> {
    const g = this.group;
    const n = g.n;
    if (n === 0) return;
    const strings = (of: readonly string[]) => {
      const first = g.run[0] as number;
      if (g.run[n - 1] === first) return new Array<string>(n).fill(of[first] as string);
      return Array.from(g.run.subarray(0, n), (r) => of[r] as string);
    };
    const sums = (a: Float64Array) => (this.wideSums ? BigInt64Array.from(a.subarray(0, n), (v) => BigInt(v)) : Int32Array.from(a.subarray(0, n)));
    const fixed: Record<string, () => ColumnSource['data']> = {
      run_guid: () => strings(this.guids),
      die_id: () => strings(this.dies),
      block: () => g.block.subarray(0, n),
      vector: () => g.vector.subarray(0, n),
      repeat: () => g.repeat.subarray(0, n),
      output: () => g.output.subarray(0, n),
      level: () => g.level.subarray(0, n),
      digital_d: () => sums(g.digital),
      saliency_s: () => sums(g.saliency),
      yhat: () => g.yhat.subarray(0, n),
      model_yhat: () => g.modelYhat.subarray(0, n),
      exact_y: () => sums(g.exact),
      model_level: () => g.modelLevel.subarray(0, n),
    };
    const planes = g.planes;
    /** One plane's codes over the group, null where not converted. */
    const plane = (p: number) => {
      const out: (number | null)[] = [];
      for (let i = 0, at = p; i < n; i++, at += planes) {
        const c = g.codes[at] as number;
        out.push(c < 0 ? null : c);
      }
      return out;
    };
    // Each column's values are made when the writer takes that column (a getter), not all before:
    // the 64 code arrays are never alive together, which keeps the garbage collector's work small.
    const columnData = this.columns.map((c, k): ColumnSource => {
      const make = c.kind === 'code' ? () => plane(k - (this.columns.length - planes)) : (fixed[c.name] as () => ColumnSource['data']);
      let made: ColumnSource['data'] | null = null;
      return {
        name: c.name,
        get data() {
          // a code column is made again if asked for again, rather than kept
          if (c.kind === 'code') return make();
          return (made ??= make());
        },
        statistics: WITH_STATISTICS.has(c.name),
        ...(c.kind === 'code' || c.kind === 'level' ? { encoding: 'RLE_DICTIONARY' as const } : {}),
      };
    });
    // one page per column chunk (pageSize 0): a chunk is at most rowGroupRows values, and the writer then skips sizing every value
    await this.writer.write({ columnData, rowGroupSize: n, pageSize: 0 });
    g.n = 0;
    this.rows += n;
  }
}
