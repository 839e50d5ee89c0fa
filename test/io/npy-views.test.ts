import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstOutOfRange } from '../../shared/io/matrix-checks';
import { decodeNpyRows, formatNpy, parseNpy, parseNpyLayout } from '../../shared/io/npy';
import { intMatrix } from '../../shared/model/matrix';
import { npyBytes } from './npy-fixtures';

const RANGES: Record<string, [number, number]> = {
  '|u1': [0, 255],
  '|i1': [-128, 127],
  '<u2': [0, 65535],
  '<i2': [-32768, 32767],
  '>i2': [-32768, 32767],
  '<i4': [-(2 ** 31), 2 ** 31 - 1],
  '>i4': [-(2 ** 31), 2 ** 31 - 1],
  '<u4': [0, 2 ** 31 - 1],
  '<i8': [-(2 ** 31), 2 ** 31 - 1],
};

/** Any dtype, order, version and shape, with the matrix the file holds (row-major). */
const fileArb = fc
  .record({
    descr: fc.constantFrom(...Object.keys(RANGES)),
    rows: fc.integer({ min: 1, max: 6 }),
    cols: fc.integer({ min: 1, max: 6 }),
    fortran: fc.boolean(),
    version: fc.constantFrom(1 as const, 2 as const, 3 as const),
    seed: fc.nat(),
  })
  .map(({ descr, rows, cols, fortran, version, seed }) => {
    const [lo, hi] = RANGES[descr] as [number, number];
    const matrix = Array.from({ length: rows * cols }, (_, k) => lo + (((seed + k * 2654435761) >>> 0) % (hi - lo + 1)));
    const fileOrder = fortran ? Array.from({ length: rows * cols }, (_, k) => matrix[(k % rows) * cols + Math.floor(k / rows)] as number) : matrix;
    const values = descr === '<i8' ? fileOrder.map(BigInt) : fileOrder;
    return { rows, cols, matrix, bytes: npyBytes({ descr, shape: [rows, cols], values, fortran, version }) };
  });

/** The same bytes at an offset `shift` into a larger buffer, as a Node Buffer from a pool may be. */
function shifted(bytes: Uint8Array, shift: number): Uint8Array {
  const big = new Uint8Array(bytes.length + shift);
  big.set(bytes, shift);
  return big.subarray(shift);
}

describe('parseNpy reads every dtype and order correctly at any alignment', () => {
  it('gives the matrix the file holds, wherever the bytes start', () => {
    fc.assert(
      fc.property(fileArb, fc.integer({ min: 0, max: 7 }), ({ rows, cols, matrix, bytes }, shift) => {
        const m = parseNpy(shifted(bytes, shift), 'p.npy');
        expect([m.rows, m.cols, Array.from(m.data)]).toEqual([rows, cols, matrix]);
      }),
    );
  });

  it('is a view on the bytes for aligned little-endian int32 in C order (no copy)', () => {
    const bytes = formatNpy(intMatrix(2, 3, Int32Array.from([1, -2, 3, -4, 5, 6])));
    const m = parseNpy(bytes, 'v.npy');
    expect(m.data.buffer).toBe(bytes.buffer);
    bytes[bytes.length - 4] = 7; // the view sees the file's bytes
    expect(m.data[5]).toBe(7);
  });

  it('copies once when the int32 data is not 4-byte aligned, and reads the same values', () => {
    const bytes = shifted(formatNpy(intMatrix(1, 3, Int32Array.from([9, -8, 2 ** 31 - 1]))), 1);
    const m = parseNpy(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'u.npy');
    expect(m.data.buffer).not.toBe(bytes.buffer);
    expect(Array.from(m.data)).toEqual([9, -8, 2 ** 31 - 1]);
  });
});

describe('decodeNpyRows', () => {
  it('decodes any run of whole rows of a row-major file as the whole parse does', () => {
    fc.assert(
      fc.property(fileArb, fc.nat(), fc.nat(), ({ rows, cols, matrix, bytes }, a, b) => {
        const layout = parseNpyLayout(bytes, bytes.length, 'c.npy');
        fc.pre(layout.rowMajor);
        const first = a % rows;
        const count = 1 + (b % (rows - first));
        const rowBytes = cols * layout.itemSize;
        const chunk = bytes.slice(layout.dataStart + first * rowBytes, layout.dataStart + (first + count) * rowBytes);
        expect(Array.from(decodeNpyRows(layout, chunk, first, count, 'c.npy'))).toEqual(matrix.slice(first * cols, (first + count) * cols));
      }),
    );
  });

  it('names the element of the whole file when a chunk holds a value beyond int32', () => {
    const bytes = npyBytes({ descr: '<i8', shape: [3, 2], values: [1n, 2n, 3n, 4n, 5n, 2n ** 40n] });
    const layout = parseNpyLayout(bytes, bytes.length, 'c.npy');
    expect(() => decodeNpyRows(layout, bytes.subarray(layout.dataStart + 16), 1, 2, 'c.npy')).toThrow(
      'c.npy: element [2, 1]: value 1099511627776 does not fit a 32-bit integer',
    );
  });

  it('refuses the header of a file cut short, given only the file length', () => {
    const bytes = formatNpy(intMatrix(2, 2, Int32Array.from([1, 2, 3, 4])));
    expect(() => parseNpyLayout(bytes.subarray(0, 128), 128 + 12, 't.npy')).toThrow('t.npy: element [1, 1]: truncated: the file holds 3 of 4 elements');
  });
});

describe('firstOutOfRange (one unsigned compare per value)', () => {
  it('finds the same first misfit as the plain two-sided check, for any int32 range and values', () => {
    const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    fc.assert(
      fc.property(fc.array(int32, { maxLength: 30 }), int32, int32, (values, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const data = Int32Array.from(values);
        expect(firstOutOfRange(data, lo, hi)).toBe(values.findIndex((v) => v < lo || v > hi));
      }),
    );
  });

  it('holds at the edges of the range', () => {
    const data = Int32Array.from([0, 255, -(2 ** 31), 2 ** 31 - 1]);
    expect(firstOutOfRange(data.subarray(0, 2), 0, 255)).toBe(-1);
    expect(firstOutOfRange(data, 0, 255)).toBe(2);
    expect(firstOutOfRange(data.subarray(3), 0, 255)).toBe(0);
    expect(firstOutOfRange(data, -(2 ** 31), 2 ** 31 - 1)).toBe(-1);
  });
});
