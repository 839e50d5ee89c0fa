import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIntCsv, parseIntCsv } from '../../shared/io/csv';
import { intMatrix } from '../../shared/model/matrix';

describe('parseIntCsv accepts', () => {
  it.each([
    ['plain rows', '1,2,3\n4,5,6\n', 2, 3, [1, 2, 3, 4, 5, 6]],
    ['a # header and CRLF', '# x0,x1\r\n-1,+2\r\n3,4\r\n', 2, 2, [-1, 2, 3, 4]],
    ['spaces around values', ' 7 , 8\n', 1, 2, [7, 8]],
    ['blank lines and no final newline', '\n1\n\n2', 2, 1, [1, 2]],
    ['32-bit extremes', '-2147483648,2147483647', 1, 2, [-2147483648, 2147483647]],
  ])('%s', (_, text, rows, cols, data) => {
    const m = parseIntCsv(text, 'f.csv');
    expect([m.rows, m.cols, Array.from(m.data)]).toEqual([rows, cols, data]);
  });

  it('locates data rows by their line in the file', () => {
    const m = parseIntCsv('# header\n1,2\n\n3,4\n', 'f.csv');
    expect(m.locate(1, 1)).toBe('line 4, column 2');
  });
});

describe('parseIntCsv refuses, naming file, line and column', () => {
  it.each([
    ['a short row (truncated file)', '1,2,3\n4,5', 'f.csv: line 2: 2 values, expected 3 as on line 1'],
    ['a long row', '1,2\n3,4,5\n', 'f.csv: line 2: 3 values, expected 2 as on line 1'],
    ['a non-integer', '1,2\n3,4.5\n', "f.csv: line 2, column 2: '4.5' is not an integer"],
    ['a word', '1,abc\n', "f.csv: line 1, column 2: 'abc' is not an integer"],
    ['an empty field', '1,,3\n', 'f.csv: line 1, column 2: an empty field is not an integer'],
    ['exponent notation', '1e3\n', "f.csv: line 1, column 1: '1e3' is not an integer"],
    ['hex', '0x10\n', "f.csv: line 1, column 1: '0x10' is not an integer"],
    ['a value beyond 32 bits', '2147483648\n', 'f.csv: line 1, column 1: 2147483648 does not fit a 32-bit integer'],
    ['no data at all', '# only a header\n\n', 'f.csv: holds no data rows'],
    ['a semicolon-separated file', '1;2;3\n', "f.csv: line 1, column 1: '1;2;3' is not an integer"],
  ])('%s', (_, text, message) => {
    expect(() => parseIntCsv(text, 'f.csv')).toThrow(message);
  });
});

describe('CSV round trip', () => {
  it('format then parse returns the same matrix', () => {
    const matrixArb = fc
      .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
      .chain(([r, c]) =>
        fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: r * c, maxLength: r * c }).map((d) => intMatrix(r, c, Int32Array.from(d))),
      );
    fc.assert(
      fc.property(matrixArb, fc.option(fc.string().filter((s) => !s.includes('\n'))), (m, header) => {
        const back = parseIntCsv(formatIntCsv(m, header ?? undefined), 'rt.csv');
        expect([back.rows, back.cols, Array.from(back.data)]).toEqual([m.rows, m.cols, Array.from(m.data)]);
      }),
    );
  });
});
