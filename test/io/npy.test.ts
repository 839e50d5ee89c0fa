import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatNpy, parseNpy } from '../../shared/io/npy';
import { intMatrix } from '../../shared/model/matrix';
import { npyBytes, type NpyFixture } from './npy-fixtures';

describe('parseNpy accepts', () => {
  it.each<[string, NpyFixture, number, number, number[]]>([
    ['<i4 2-D', { descr: '<i4', shape: [2, 2], values: [1, -2, 3, 4] }, 2, 2, [1, -2, 3, 4]],
    ['|u1', { descr: '|u1', shape: [1, 3], values: [0, 128, 255] }, 1, 3, [0, 128, 255]],
    ['|i1', { descr: '|i1', shape: [1, 2], values: [-128, 127] }, 1, 2, [-128, 127]],
    ['<i2', { descr: '<i2', shape: [1, 2], values: [-300, 300] }, 1, 2, [-300, 300]],
    ['>i4 big-endian', { descr: '>i4', shape: [1, 2], values: [70000, -5] }, 1, 2, [70000, -5]],
    ['<i8', { descr: '<i8', shape: [1, 2], values: [5n, -6n] }, 1, 2, [5, -6]],
    ['1-D as one row', { descr: '<i4', shape: [3], values: [7, 8, 9] }, 1, 3, [7, 8, 9]],
    ['Fortran order', { descr: '<i4', shape: [2, 3], values: [1, 4, 2, 5, 3, 6], fortran: true }, 2, 3, [1, 2, 3, 4, 5, 6]],
    ['format 2.0', { descr: '<i4', shape: [1, 1], values: [42], version: 2 }, 1, 1, [42]],
    ['format 3.0', { descr: '<i4', shape: [1, 1], values: [43], version: 3 }, 1, 1, [43]],
  ])('%s', (_, fixture, rows, cols, data) => {
    const m = parseNpy(npyBytes(fixture), 'a.npy');
    expect([m.rows, m.cols, Array.from(m.data)]).toEqual([rows, cols, data]);
  });
});

describe('parseNpy refuses, naming the file and the element', () => {
  const ok = npyBytes({ descr: '<i4', shape: [2, 3], values: [1, 2, 3, 4, 5, 6] });
  it.each<[string, Uint8Array, string]>([
    ['a file that is not .npy', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 'a.npy: not a NumPy .npy file (bad magic bytes)'],
    ['an empty file', new Uint8Array(0), 'a.npy: not a NumPy .npy file'],
    ['a float dtype', npyBytes({ descr: '<f4', shape: [1, 1], values: [1.5] }), "a.npy: header: dtype '<f4' is not an integer dtype"],
    ['a 3-D shape', npyBytes({ descr: '<i4', shape: [1, 1, 1], values: [1] }), 'a.npy: header: shape (1, 1, 1) is not 1-D or 2-D'],
    ['data cut short', ok.subarray(0, ok.length - 6), 'a.npy: element [1, 1]: truncated: the file holds 4 of 6 elements'],
    ['a header cut short', ok.subarray(0, 40), 'a.npy: header: truncated'],
    [
      'a header without shape',
      npyBytes({ descr: '<i4', shape: [1], values: [1], header: "{'descr': '<i4', 'fortran_order': False}" }),
      "a.npy: header: no 'shape' entry",
    ],
    [
      'a version 9 file',
      (() => {
        const b = ok.slice();
        b[6] = 9;
        return b;
      })(),
      'a.npy: header: unsupported .npy format version 9.0',
    ],
    [
      'an i8 beyond 32 bits',
      npyBytes({ descr: '<i8', shape: [1, 2], values: [1n, 2n ** 40n] }),
      'a.npy: element [0, 1]: value 1099511627776 does not fit a 32-bit integer',
    ],
    ['an empty shape', npyBytes({ descr: '<i4', shape: [0, 4], values: [] }), 'a.npy: header: shape (0, 4) holds no data'],
  ])('%s', (_, bytes, message) => {
    expect(() => parseNpy(bytes, 'a.npy')).toThrow(message);
  });

  it('never throws anything but a DataFileError on random bytes after a valid magic', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => {
        const bytes = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, ...tail]);
        try {
          parseNpy(bytes, 'r.npy');
        } catch (e) {
          expect((e as Error).name).toBe('DataFileError');
        }
      }),
    );
  });
});

describe('NPY round trip', () => {
  it('formatNpy then parseNpy returns the same matrix, with a 64-byte aligned header', () => {
    const arb = fc
      .tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }))
      .chain(([r, c]) =>
        fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: r * c, maxLength: r * c }).map((d) => intMatrix(r, c, Int32Array.from(d))),
      );
    fc.assert(
      fc.property(arb, (m) => {
        const bytes = formatNpy(m);
        expect((10 + (bytes[8]! | (bytes[9]! << 8))) % 64).toBe(0);
        const back = parseNpy(bytes, 'rt.npy');
        expect([back.rows, back.cols, Array.from(back.data)]).toEqual([m.rows, m.cols, Array.from(m.data)]);
      }),
    );
  });
});
