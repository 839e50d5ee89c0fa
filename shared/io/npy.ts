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

export function parseNpy(bytes: Uint8Array, file: string): LocatedMatrix {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new DataFileError(file, null, 'not a NumPy .npy file (bad magic bytes)');
  }
  const major = bytes[6] as number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major < 1 || major > 3) throw new DataFileError(file, 'header', `unsupported .npy format version ${major}.${bytes[7]}`);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw new DataFileError(file, 'header', 'truncated before the header length');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lenBytes + headerLen;
  if (bytes.length < dataStart) throw new DataFileError(file, 'header', `truncated: header of ${headerLen} bytes is cut short`);
  let header = '';
  for (let i = 8 + lenBytes; i < dataStart; i++) header += String.fromCharCode(bytes[i] as number);

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

  const present = Math.floor((bytes.length - dataStart) / dtype.size);
  const name = (k: number) => {
    // element k in file order; report it as [row, col] of the matrix
    const [r, c] = fortran ? [k % rows, Math.floor(k / rows)] : [Math.floor(k / cols), k % cols];
    return dims.length === 1 ? `element [${c}]` : `element [${r}, ${c}]`;
  };
  if (present < count) {
    throw new DataFileError(file, name(present), `truncated: the file holds ${present} of ${count} elements`);
  }
  const data = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const v = readElement(view, dataStart + k * dtype.size, dtype);
    if (!(v >= -(2 ** 31) && v < 2 ** 31)) {
      throw new DataFileError(file, name(k), `value ${Number.isNaN(v) ? '(beyond 2^53)' : v} does not fit a 32-bit integer`);
    }
    const [r, c] = fortran ? [k % rows, Math.floor(k / rows)] : [Math.floor(k / cols), k % cols];
    data[r * cols + c] = v;
  }
  return {
    rows,
    cols,
    data,
    locate: (r, c) => (dims.length === 1 ? `element [${c}]` : `element [${r}, ${c}]`),
  };
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
  const start = 10 + header.length;
  for (let k = 0; k < m.data.length; k++) view.setInt32(start + k * 4, m.data[k] as number, true);
  return bytes;
}
