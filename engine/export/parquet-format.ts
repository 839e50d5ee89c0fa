// Parquet output of an export through hyparquet-writer (docs/export.md). Each stored block is
// encoded on its own, as row groups of at most `rowGroupRows` rows, into bytes that start at
// offset 0 (encodeBlock), so blocks can be encoded in worker threads in parallel
// (parquet-pool.ts); ParquetAssembler then appends them to the sink in order, moves their
// column-chunk offsets to where they land in the file, and hyparquet-writer's ParquetWriter
// writes the footer. Memory holds the blocks in flight, whatever the run's length. Compressed
// with GZIP (native zlib; Node 20 has no zstd); the provenance goes into the key-value metadata.
import { gzipSync } from 'node:zlib';
import type { RowGroup } from 'hyparquet';
import { ByteWriter, ParquetWriter, type ColumnSource, type KeyValue, type SchemaElement, type Writer } from 'hyparquet-writer';
import type { ExportBlock } from './export-blocks';
import { writeCodeChunk, type Compress } from './code-chunks';
import { codeColumn, exportColumns, macIndices, sumsFitInt32, type ExportColumn } from './export-columns';
import type { ExportSource } from './export-source';
import type { ByteSink } from './byte-sink';

/** How the file is laid out and made: rows per row group, the GZIP level, threads encoding blocks. */
export interface ParquetTuning {
  readonly rowGroupRows: number;
  readonly gzipLevel: number;
  /** worker threads encoding blocks in parallel; 0: in the caller's thread */
  readonly workers: number;
  /** exports of fewer MACs are encoded in the caller's thread: starting threads would cost more */
  readonly workerMinMacs: number;
}

/**
 * 12,288 rows (1,536 vectors of 8 outputs) per row group. hyparquet-writer makes each column's
 * definition levels with `new Array(rows)`, which V8 turns into a slow dictionary-mode array from
 * about 16,380 elements up: groups past that encode 2.5 times slower (docs/benchmarks.md, export).
 * Level 1: level 6 is about 3 % smaller and twice as slow. Two threads: the machine's two cores.
 */
export const PARQUET_DEFAULTS: ParquetTuning = { rowGroupRows: 12288, gzipLevel: 1, workers: 2, workerMinMacs: 200_000 };

/** Columns whose min and max go into the file: what a reader filters runs, dies and vectors by. */
const WITH_STATISTICS = new Set(['run_guid', 'die_id', 'block', 'vector']);

/** What every block's encoder needs to know of the export: the same in each thread. */
export interface ParquetPlan {
  readonly planes: number;
  readonly wideSums: boolean;
  /** per run of the source, by index */
  readonly guids: readonly string[];
  readonly dies: readonly string[];
  readonly rowGroupRows: number;
  readonly gzipLevel: number;
  /** whether the model's columns are written */
  readonly model: boolean;
}

export function parquetPlan(source: ExportSource, tuning: ParquetTuning, model: boolean): ParquetPlan {
  return {
    model,
    planes: source.planes,
    wideSums: !source.runs.every((r) => sumsFitInt32(r.profile)),
    guids: source.runs.map((r) => r.row.guid),
    dies: source.runs.map((r) => r.dieId),
    rowGroupRows: tuning.rowGroupRows,
    gzipLevel: tuning.gzipLevel,
  };
}

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

const gzipOf =
  (level: number): Compress =>
  (bytes) =>
    gzipSync(bytes, { level });

/**
 * Encodings where the writer's own choice is slow or larger: the doubles byte-split (their
 * exponent bytes compress, the noise does not), the exact sums plain (a dictionary of them does not
 * pay), vector and output as runs of a dictionary (a vector repeats over the outputs).
 */
const ENCODINGS: Readonly<Record<string, ColumnSource['encoding']>> = {
  yhat_xw: 'PLAIN',
  model_yhat_xw: 'PLAIN',
  exact_y_xw: 'PLAIN',
  vector: 'PLAIN',
  output: 'RLE_DICTIONARY',
  level: 'RLE_DICTIONARY',
  model_level: 'RLE_DICTIONARY',
};

function writerOptions(plan: ParquetPlan, writer: Writer, kvMetadata: KeyValue[], createdBy: string): ConstructorParameters<typeof ParquetWriter>[0] {
  return {
    writer,
    schema: schemaOf(exportColumns(plan.planes, plan.model), plan.wideSums),
    codec: 'GZIP',
    compressors: { GZIP: gzipOf(plan.gzipLevel) },
    statistics: false,
    kvMetadata,
    createdBy,
  };
}

/** A block's row groups as bytes from offset 0 (after no magic), with their metadata at those offsets. */
export interface EncodedBlock {
  readonly bytes: Uint8Array;
  readonly rowGroups: RowGroup[];
  readonly rows: number;
}

/** The magic the standalone writer starts with, left out of an encoded block. */
const MAGIC = 4;

/** Encode block `b` of run `run` (its index in the source) as row groups on their own. */
export function encodeBlock(plan: ParquetPlan, b: ExportBlock, run: number): EncodedBlock {
  const n = b.digital.length;
  const bytes = new ByteWriter(1 << 20);
  const writer = new ParquetWriter(writerOptions(plan, bytes, [], ''));
  const fixedColumns = exportColumns(plan.planes, plan.model).filter((c) => c.kind !== 'code');
  const compress = gzipOf(plan.gzipLevel);
  const seen = new Uint8Array(1 << 15);
  const { vector, repeat, output } = macIndices(b);
  const { planes, wideSums } = plan;
  const guid = plan.guids[run] as string;
  const die = plan.dies[run] as string;
  for (let from = 0; from < n; from += plan.rowGroupRows) {
    const to = Math.min(n, from + plan.rowGroupRows);
    const rows = to - from;
    const sums = (a: Float64Array) => (wideSums ? BigInt64Array.from(a.subarray(from, to), (v) => BigInt(v)) : Int32Array.from(a.subarray(from, to)));
    const fixed: Record<string, () => ColumnSource['data']> = {
      run_guid: () => new Array<string>(rows).fill(guid),
      die_id: () => new Array<string>(rows).fill(die),
      block: () => new Int32Array(rows).fill(b.block),
      vector: () => vector.subarray(from, to),
      repeat: () => repeat.subarray(from, to),
      output: () => output.subarray(from, to),
      level: () => b.level.subarray(from, to),
      digital_d_xw: () => sums(b.digital),
      saliency_s_xw: () => sums(b.saliency),
      yhat_xw: () => b.yhat.subarray(from, to),
      // (the model's columns are asked for only when the plan has them, and then the block has them)
      model_yhat_xw: () => (b.modelYhat as Float64Array).subarray(from, to),
      exact_y_xw: () => sums(b.exact as Float64Array),
      model_level: () => (b.modelLevel as Uint8Array).subarray(from, to),
    };
    const columnData = fixedColumns.map((c): ColumnSource => ({
      name: c.name,
      data: (fixed[c.name] as () => ColumnSource['data'])(),
      statistics: WITH_STATISTICS.has(c.name),
      ...(ENCODINGS[c.name] ? { encoding: ENCODINGS[c.name] } : {}),
    }));
    // one page per column chunk (pageSize 0): a chunk is at most rowGroupRows values, and the writer then skips sizing every value
    void writer.write({ columnData, rowGroupSize: rows, pageSize: 0 });
    // the code columns, straight from the block's codes, into the same row group
    const group = writer.row_groups.at(-1) as RowGroup;
    const start = bytes.offset;
    let uncompressed = 0;
    for (let p = 0; p < planes; p++) {
      const code = writeCodeChunk(bytes, codeColumn(p), b.codes, planes, p, from, to, compress, seen);
      group.columns.push(code.chunk);
      uncompressed += code.uncompressed;
    }
    group.total_byte_size += BigInt(uncompressed);
    group.total_compressed_size = (group.total_compressed_size ?? 0n) + BigInt(bytes.offset - start);
  }
  return { bytes: bytes.getBytes().slice(MAGIC), rowGroups: writer.row_groups.map((g) => moved(g, -BigInt(MAGIC))), rows: n };
}

/** A row group's column chunks moved by `delta` bytes in the file. */
function moved(g: RowGroup, delta: bigint): RowGroup {
  return {
    ...g,
    columns: g.columns.map((c) => ({
      ...c,
      file_offset: c.file_offset + delta,
      ...(c.meta_data
        ? {
            meta_data: {
              ...c.meta_data,
              data_page_offset: c.meta_data.data_page_offset + delta,
              ...(c.meta_data.dictionary_page_offset === undefined ? {} : { dictionary_page_offset: c.meta_data.dictionary_page_offset + delta }),
            },
          }
        : {}),
    })),
  };
}

/**
 * hyparquet-writer's byte writer, handing what it holds to the sink: the assembler calls `flush`
 * after each block and awaits it before the next one; ParquetWriter calls `finish` after the footer.
 */
function sinkWriter(sink: ByteSink): ByteWriter & { flush(): Promise<void> } {
  const writer = new ByteWriter(1 << 20);
  const flush = (): Promise<void> => {
    if (writer.index === 0) return Promise.resolve();
    const chunk = new Uint8Array(writer.buffer.slice(0, writer.index));
    writer.index = 0;
    return sink.write(chunk);
  };
  return Object.assign(writer, { flush, finish: flush });
}

/** Writes encoded blocks as one Parquet file onto a sink, in the order they are added; then `finish`. */
export class ParquetAssembler {
  private readonly bytes: ByteWriter & { flush(): Promise<void> };
  private readonly writer: ParquetWriter;
  rows = 0;

  constructor(sink: ByteSink, plan: ParquetPlan, metadata: readonly KeyValue[], createdBy: string) {
    this.bytes = sinkWriter(sink);
    this.writer = new ParquetWriter(writerOptions(plan, this.bytes, [...metadata], createdBy));
  }

  /** Append a block's row groups; resolves once the sink has taken them. */
  async add(e: EncodedBlock): Promise<void> {
    const at = BigInt(this.bytes.offset);
    this.bytes.appendBytes(e.bytes);
    for (const g of e.rowGroups) this.writer.row_groups.push(moved(g, at));
    this.writer.num_rows += BigInt(e.rows);
    this.rows += e.rows;
    await this.bytes.flush();
  }

  async finish(): Promise<void> {
    await this.writer.finish();
  }
}
