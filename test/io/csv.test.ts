import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIntCsv, parseIntCsv, parseIntCsvBytes, scanIntCsv } from '../../shared/io/csv';
import { intMatrix } from '../../shared/model/matrix';

const bytes = (text: string) => new TextEncoder().encode(text);
/** A file's bytes parsed as the engine parses them: decoded as Buffer.toString does where the scan leaves them. */
const parseBytes = (b: Uint8Array, file: string) => parseIntCsvBytes(b, file, () => Buffer.from(b).toString('utf8'));
/** Text, or bytes, through the parser the engine uses for each. */
const parse = (input: string | Uint8Array, file: string) => (typeof input === 'string' ? parseIntCsv(input, file) : parseBytes(input, file));

describe('parseIntCsv accepts', () => {
  it.each([
    ['plain rows', '1,2,3\n4,5,6\n', 2, 3, [1, 2, 3, 4, 5, 6]],
    ['a # header and CRLF', '# x0,x1\r\n-1,+2\r\n3,4\r\n', 2, 2, [-1, 2, 3, 4]],
    ['spaces around values', ' 7 , 8\n', 1, 2, [7, 8]],
    ['blank lines and no final newline', '\n1\n\n2', 2, 1, [1, 2]],
    ['32-bit extremes', '-2147483648,2147483647', 1, 2, [-2147483648, 2147483647]],
  ])('%s', (_, text, rows, cols, data) => {
    for (const input of [text, bytes(text)]) {
      const m = parse(input, 'f.csv');
      expect([m.rows, m.cols, Array.from(m.data)]).toEqual([rows, cols, data]);
    }
  });

  it('locates data rows by their line in the file', () => {
    for (const input of ['# header\n1,2\n\n3,4\n', bytes('# header\n1,2\n\n3,4\n')]) expect(parse(input, 'f.csv').locate(1, 1)).toBe('line 4, column 2');
  });

  it('a byte-order mark, non-breaking spaces and a header in another script, as bytes', () => {
    const m = parseBytes(bytes('\ufeff# entrée\n1,\u00a02\n'), 'f.csv');
    expect([m.rows, m.cols, Array.from(m.data)]).toEqual([1, 2, [1, 2]]);
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
    expect(() => parseBytes(bytes(text), 'f.csv')).toThrow(message);
  });
});

describe("a file's bytes parse as its text does", () => {
  /** The outcome of a parse: the matrix with where each row came from, or the error's message. */
  const outcome = (input: string | Uint8Array) => {
    try {
      const m = parse(input, 'f.csv');
      return { rows: m.rows, cols: m.cols, data: Array.from(m.data), lines: Array.from({ length: m.rows }, (_, r) => m.locate(r, 0)) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  };
  it('any text of the characters a CSV holds, and a few it should not', () => {
    const char = fc.constantFrom(...'0123456789', '0', '1', '-', '+', ',', ',', ' ', '\t', '\r', '\n', '\n', '#', 'x', '.', '\u00a0', '\ufeff', 'é');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 60 }), (chars) => {
        const text = chars.join('');
        const fromText = outcome(text);
        expect(outcome(bytes(text))).toEqual(fromText);
        // the byte scan takes a file only where the text parser takes it, and reads the same
        const scanned = scanIntCsv(bytes(text));
        if (scanned) expect(fromText).toMatchObject({ rows: scanned.rows, cols: scanned.cols, data: Array.from(scanned.data) });
      }),
      { numRuns: 2000 },
    );
  });
  it('well-formed matrices written with any blanks, signs, leading zeros, comments and line ends', () => {
    const blank = fc.constantFrom('', ' ', '\t', '  ');
    const field = fc
      .tuple(blank, fc.constantFrom('', '+', '-'), fc.constantFrom('', '0', '000'), fc.integer({ min: 0, max: 2 ** 31 - 1 }), blank)
      .map((p) => p.join(''));
    const row = fc.array(field, { minLength: 3, maxLength: 3 }).map((f) => f.join(','));
    const line = fc.oneof(row, row, row, fc.constantFrom('', '# a comment, 1,2', ' \t'));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), (lines, eol) => {
        const text = lines.join(eol);
        const fromText = outcome(text);
        expect(outcome(bytes(text))).toEqual(fromText);
        // these are the files the byte scan is for: it reads each one itself (no data row: the text parser's error)
        expect(scanIntCsv(bytes(text)) === null).toBe('error' in fromText);
      }),
    );
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
