// NumPy .npy (format versions 1.0, 2.0 and 3.0) for integer matrices: dtypes i1/i2/i4/i8 and
// u1/u2/u4/u8 in either byte order, C or Fortran order, 1-D (one row) or 2-D.
import { DataFileError, type LocatedMatrix } from './data-file-error';
import type { IntMatrix } from '../model/matrix';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

interface Dtype {
  readonly size: 1 | 2 | 4 | 8;
  readonly signed: boolean;
  readonly littleEndian: boolean;
}

function parseDescr(descr: string, file: string): Dtype {
  const m = /^([<>|=]?)([iu])([1248])$/.exec(descr);
  if (!m) throw new DataFileError(file, 'header', `dtype '${descr}' is not an integer dtype (i1..i8, u1..u8)`);
  return { size: Number(m[3]) as Dtype['size'], signed: m[2] === 'i', littleEndian: m[1] !== '>' };
}

function headerField(header: string, key: string, file: string): string {
  const m = new RegExp(`['"]${key}['"]\\s*:\\s*(\\([^)]*\\)|'[^']*'|"[^"]*"|True|False)`).exec(header);
  if (!m) throw new DataFileError(file, 'header', `no '${key}' entry in ${JSON.stringify(header.trim().slice(0, 120))}`);
  return m[1] as string;
}

function readElement(view: DataView, offset: number, t: Dtype): number {
  switch (t.size) {
    case 1:
      return t.signed ? view.getInt8(offset) : view.getUint8(offset);
    case 2:
      return t.signed ? view.getInt16(offset, t.littleEndian) : view.getUint16(offset, t.littleEndian);
    case 4:
      return t.signed ? view.getInt32(offset, t.littleEndian) : view.getUint32(offset, t.littleEndian);
    case 8: {
      const big = t.signed ? view.getBigInt64(offset, t.littleEndian) : view.getBigUint64(offset, t.littleEndian);
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : Number.NaN;
    }
  }
}

/** This host stores typed arrays little-endian (every platform Node and browsers run on today). */
const HOST_LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Where a .npy file's data is and how to read it: everything in the file but the data. */
export interface NpyLayout {
  readonly rows: number;
  readonly cols: number;
  /** byte offset of the first element */
  readonly dataStart: number;
  readonly itemSize: number;
  /** the elements are stored row after row, so any run of whole rows can be decoded on its own */
  readonly rowMajor: boolean;
  /** how an error names element [r, c] (a plain function, safe to pass on on its own) */
  readonly locate: (row: number, col: number) => string;
  /** @internal */
  readonly dtype: Dtype;
  /** @internal */
  readonly fortran: boolean;
}

/** Bytes from the file's start up to its data: what parseNpyLayout needs to see. Needs 12 bytes. */
export function npyDataStart(head: Uint8Array, file: string): number {
  if (head.length < 10 || MAGIC.some((b, i) => head[i] !== b)) {
    throw new DataFileError(file, null, 'not a NumPy .npy file (bad magic bytes)');
  }
  const major = head[6] as number;
  if (major < 1 || major > 3) throw new DataFileError(file, 'header', `unsupported .npy format version ${major}.${head[7]}`);
  const lenBytes = major === 1 ? 2 : 4;
  if (head.length < 8 + lenBytes) throw new DataFileError(file, 'header', 'truncated before the header length');
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  return 8 + lenBytes + (major === 1 ? view.getUint16(8, true) : view.getUint32(8, true));
}

/**
 * The header of a .npy file, from its first bytes (at least npyDataStart of them where the file
 * has them) and the file's whole length, so a file need not be in memory to be checked.
 */
export function parseNpyLayout(head: Uint8Array, fileLength: number, file: string): NpyLayout {
  const dataStart = npyDataStart(head, file);
  const lenBytes = head[6] === 1 ? 2 : 4;
  if (head.length < dataStart || fileLength < dataStart) {
    throw new DataFileError(file, 'header', `truncated: header of ${dataStart - 8 - lenBytes} bytes is cut short`);
  }
  let header = '';
  for (let i = 8 + lenBytes; i < dataStart; i++) header += String.fromCharCode(head[i] as number);

  const dtype = parseDescr(headerField(header, 'descr', file).slice(1, -1), file);
  const fortran = headerField(header, 'fortran_order', file) === 'True';
  const dims = headerField(header, 'shape', file)
    .slice(1, -1)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (dims.length < 1 || dims.length > 2 || dims.some((d) => !/^\d+$/.test(d))) {
    throw new DataFileError(file, 'header', `shape (${dims.join(', ')}) is not 1-D or 2-D`);
  }
  const [rows, cols] = dims.length === 1 ? [1, Number(dims[0])] : [Number(dims[0]), Number(dims[1])];
  const count = rows * cols;
  if (count === 0) throw new DataFileError(file, 'header', `shape (${dims.join(', ')}) holds no data`);
  const locate = (r: number, c: number) => (dims.length === 1 ? `element [${c}]` : `element [${r}, ${c}]`);

  const present = Math.floor((fileLength - dataStart) / dtype.size);
  if (present < count) {
    // element `present` in file order, named as [row, col] of the matrix
    const [r, c] = fortran ? [present % rows, Math.floor(present / rows)] : [Math.floor(present / cols), present % cols];
    throw new DataFileError(file, locate(r, c), `truncated: the file holds ${present} of ${count} elements`);
  }
  // a single row or column is the same bytes in either order
  const rowMajor = !fortran || rows === 1 || cols === 1;
  return { rows, cols, dataStart, itemSize: dtype.size, rowMajor, locate, dtype, fortran: !rowMajor };
}

/**
 * Rows first..first+count-1 of a row-major file, from `bytes` (which start at row `first`'s first
 * byte). Little-endian int32 on a little-endian host, aligned, is returned as a view on `bytes`,
 * with no copy at all; a source that is not aligned for its dtype is copied once (a typed array
 * cannot start mid-element); the other widths that always fit an int32 are widened by
 * TypedArray.set, and the rest are read element by element, refusing values beyond int32.
 */
export function decodeNpyRows(layout: NpyLayout, bytes: Uint8Array, first: number, count: number, file: string): Int32Array {
  if (!layout.rowMajor) throw new RangeError('decodeNpyRows: a Fortran-order file is not stored row by row');
  return decodeElements(layout, bytes, first * layout.cols, count * layout.cols, file);
}

function decodeElements(layout: NpyLayout, bytes: Uint8Array, firstElement: number, n: number, file: string): Int32Array {
  const t = layout.dtype;
  const fast = HOST_LITTLE_ENDIAN && (t.size === 1 || t.littleEndian) && t.size !== 8 && !(t.size === 4 && !t.signed);
  if (!fast) return slowElements(layout, bytes, firstElement, n, file);
  let buffer: ArrayBufferLike = bytes.buffer;
  let offset = bytes.byteOffset;
  if (offset % t.size !== 0) {
    // not Buffer#slice, which would be a view at the same unaligned offset
    const aligned = new Uint8Array(n * t.size);
    aligned.set(bytes.subarray(0, n * t.size));
    buffer = aligned.buffer;
    offset = 0;
  }
  if (t.size === 4) return new Int32Array(buffer, offset, n);
  const data = new Int32Array(n);
  if (t.size === 2) data.set(t.signed ? new Int16Array(buffer, offset, n) : new Uint16Array(buffer, offset, n));
  else data.set(t.signed ? new Int8Array(buffer, offset, n) : new Uint8Array(buffer, offset, n));
  return data;
}

/** Any dtype and byte order, element by element, in file order; values beyond int32 are refused. */
function slowElements(layout: NpyLayout, bytes: Uint8Array, firstElement: number, n: number, file: string): Int32Array {
  const { dtype: t, rows, cols } = layout;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const v = readElement(view, k * t.size, t);
    if (!(v >= -(2 ** 31) && v < 2 ** 31)) {
      const e = firstElement + k;
      const [r, c] = layout.fortran ? [e % rows, Math.floor(e / rows)] : [Math.floor(e / cols), e % cols];
      throw new DataFileError(file, layout.locate(r, c), `value ${Number.isNaN(v) ? '(beyond 2^53)' : v} does not fit a 32-bit integer`);
    }
    data[k] = v;
  }
  return data;
}

/**
 * Parse a whole .npy file. The matrix may be a view on `bytes` (no copy): the caller must not
 * reuse the buffer for anything else.
 */
export function parseNpy(bytes: Uint8Array, file: string): LocatedMatrix {
  const layout = parseNpyLayout(bytes, bytes.length, file);
  const { rows, cols, locate } = layout;
  const body = bytes.subarray(layout.dataStart);
  if (layout.rowMajor) return { rows, cols, locate, data: decodeNpyRows(layout, body, 0, rows, file) };
  // Fortran order: file element k is [k % rows, k / rows]
  const src = decodeElements(layout, body, 0, rows * cols, file);
  const data = new Int32Array(rows * cols);
  for (let c = 0, k = 0; c < cols; c++) for (let r = 0; r < rows; r++, k++) data[r * cols + c] = src[k] as number;
  return { rows, cols, locate, data };
}

/** A version 1.0 file of little-endian int32, C order, header padded to 64 bytes as NumPy writes it. */
export function formatNpy(m: IntMatrix): Uint8Array {
  let header = `{'descr': '<i4', 'fortran_order': False, 'shape': (${m.rows}, ${m.cols}), }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const bytes = new Uint8Array(10 + header.length + m.data.length * 4);
  bytes.set(MAGIC);
  bytes[6] = 1;
  bytes[7] = 0;
  const view = new DataView(bytes.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
  const start = 10 + header.length; // a multiple of 64, so aligned for int32
  if (HOST_LITTLE_ENDIAN) new Int32Array(bytes.buffer, start, m.data.length).set(m.data);
  else for (let k = 0; k < m.data.length; k++) view.setInt32(start + k * 4, m.data[k] as number, true);
  return bytes;
}
