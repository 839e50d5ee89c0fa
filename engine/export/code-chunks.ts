// The ADC code columns of a Parquet row group, written straight from the block's Int16Array: most
// of an export's values are codes (43 of 64 planes converted per MAC on the default profile), and
// hyparquet-writer's general path (a JS array with nulls per plane, dremel levels, a Map for the
// dictionary) cost most of the export's time. The pages are what that path writes (docs/export.md):
// a PLAIN dictionary page of the codes present, ascending, and one data page v2 of RLE/bit-packed
// dictionary indices behind its definition levels, with hyparquet-writer's own RLE and page header
// writers; the column chunks join the row group the writer made of the other columns.
import type { ColumnChunk } from 'hyparquet';
import type { ByteWriter } from 'hyparquet-writer';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { writeRleBitPackedHybrid } from 'hyparquet-writer/src/encoding.js';
import { ByteWriter as Bytes } from 'hyparquet-writer';

/** ADC codes are at most 12 bits (profile limits); a wider one would not fit the lookup table. */
const CODE_LIMIT = 1 << 15;

export type Compress = (bytes: Uint8Array) => Uint8Array;

/**
 * Write plane `p`'s codes of MACs [from, to) (`codes` per MAC and plane, < 0 where not converted)
 * as one column chunk at the writer's offset; returns its metadata and uncompressed size.
 */
export function writeCodeChunk(
  writer: ByteWriter,
  name: string,
  codes: Int16Array,
  planes: number,
  p: number,
  from: number,
  to: number,
  compress: Compress,
  seen: Uint8Array = new Uint8Array(CODE_LIMIT),
): { chunk: ColumnChunk; uncompressed: number } {
  const n = to - from;
  const defined = new Uint8Array(n);
  let count = 0;
  let top = -1;
  for (let i = 0, at = from * planes + p; i < n; i++, at += planes) {
    const c = codes[at] as number;
    if (c < 0) continue;
    defined[i] = 1;
    count++;
    seen[c] = 1;
    if (c > top) top = c;
  }
  // the dictionary: the codes present, ascending; index of code c in it
  const index = new Int32Array(top + 1);
  const dictionary: number[] = [];
  for (let c = 0; c <= top; c++) {
    if (seen[c] === 0) continue;
    seen[c] = 0;
    index[c] = dictionary.length;
    dictionary.push(c);
  }
  const start = writer.offset;
  let uncompressed = 0;
  let dictionaryOffset: bigint | undefined;
  const encodings: ('PLAIN' | 'RLE_DICTIONARY')[] = [];
  if (dictionary.length > 0) {
    dictionaryOffset = BigInt(writer.offset);
    const plain = new Uint8Array(new Int32Array(dictionary).buffer);
    const packed = compress(plain);
    const headerStart = writer.offset;
    writePageHeader(writer, {
      type: 'DICTIONARY_PAGE',
      uncompressed_page_size: plain.length,
      compressed_page_size: packed.length,
      dictionary_page_header: { num_values: dictionary.length, encoding: 'PLAIN' },
    });
    uncompressed += writer.offset - headerStart + plain.length;
    writer.appendBytes(packed);
    encodings.push('PLAIN');
  }
  // the levels: 1 where converted; the values: dictionary indices (PLAIN and none when no code at all)
  const levels = new Bytes(Math.max(64, n >> 2));
  const levelBytes = writeRleBitPackedHybrid(levels, defined, 1);
  const values = new Bytes(Math.max(64, count));
  if (dictionary.length > 0) {
    const indices = new Int32Array(count);
    for (let i = 0, k = 0, at = from * planes + p; i < n; i++, at += planes) {
      const c = codes[at] as number;
      if (c >= 0) indices[k++] = index[c] as number;
    }
    const bitWidth = Math.ceil(Math.log2(dictionary.length));
    values.appendUint8(bitWidth);
    writeRleBitPackedHybrid(values, indices, bitWidth);
  }
  const data = values.getBytes();
  const packed = compress(data);
  const encoding = dictionary.length > 0 ? 'RLE_DICTIONARY' : 'PLAIN';
  const dataOffset = BigInt(writer.offset);
  const headerStart = writer.offset;
  writePageHeader(writer, {
    type: 'DATA_PAGE_V2',
    uncompressed_page_size: levelBytes + data.length,
    compressed_page_size: levelBytes + packed.length,
    data_page_header_v2: {
      num_values: n,
      num_nulls: n - count,
      num_rows: n,
      encoding,
      definition_levels_byte_length: levelBytes,
      repetition_levels_byte_length: 0,
      is_compressed: true,
    },
  });
  uncompressed += writer.offset - headerStart + levelBytes + data.length;
  writer.appendBytes(levels.getBytes());
  writer.appendBytes(packed);
  encodings.push(encoding);
  return {
    chunk: {
      file_offset: BigInt(start),
      meta_data: {
        type: 'INT32',
        encodings,
        path_in_schema: [name],
        codec: 'GZIP',
        num_values: BigInt(n),
        total_compressed_size: BigInt(writer.offset - start),
        total_uncompressed_size: BigInt(uncompressed),
        data_page_offset: dataOffset,
        ...(dictionaryOffset === undefined ? {} : { dictionary_page_offset: dictionaryOffset }),
      },
    },
    uncompressed,
  };
}
