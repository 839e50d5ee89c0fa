// The text codecs of the export, for any input: a CSV field reads back as written by an RFC 4180
// reader (quotes, commas, line breaks, spaces at the ends, any Unicode), a line of fields splits
// back into them, and HTML-escaped text holds no markup and unescapes to itself.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField } from '../../engine/export/csv-format';
import { formatOfName } from '../../engine/export/formats';
import { escapeHtml } from '../../engine/export/html-text';

/** An RFC 4180 reader of one record (no trimming, quotes doubled inside quoted fields): the test's own, independent of the writer. */
function readRecord(line: string): string[] {
  const fields: string[] = [];
  let at = 0;
  for (;;) {
    let field = '';
    if (line[at] === '"') {
      at++;
      for (;;) {
        if (at >= line.length) throw new Error(`unterminated quoted field in ${JSON.stringify(line)}`);
        if (line[at] === '"') {
          if (line[at + 1] === '"') {
            field += '"';
            at += 2;
            continue;
          }
          at++;
          break;
        }
        field += line[at++];
      }
      if (at < line.length && line[at] !== ',') throw new Error(`text after a closing quote in ${JSON.stringify(line)}`);
    } else {
      const end = line.indexOf(',', at);
      field = line.slice(at, end < 0 ? line.length : end);
      if (/["\r\n]/.test(field)) throw new Error(`a quote or line break in an unquoted field of ${JSON.stringify(line)}`);
      at = end < 0 ? line.length : end;
    }
    fields.push(field);
    if (at >= line.length) return fields;
    at++; // the comma
  }
}

const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('', ' ', ',', '"', '""', '\n', '\r\n', ' a ', 'a,b', 'say "hi"', '=1+2'));

describe('export codecs', () => {
  it('a CSV field reads back as written', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(readRecord(csvField(s))).toEqual([s]);
      }),
      { numRuns: 2000 },
    );
  });

  it('a line of CSV fields splits back into them', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 8 }), (fields) => {
        expect(readRecord(fields.map(csvField).join(','))).toEqual(fields);
      }),
      { numRuns: 1000 },
    );
  });

  it('a field that needs no quotes is written as it is', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_.:+-]([A-Za-z0-9_.:+ -]*[A-Za-z0-9_.:+-])?$/), (s) => {
        expect(csvField(s)).toBe(s);
      }),
    );
  });

  it('escaped HTML holds no markup and unescapes to the text', () => {
    const unescape = (s: string) => s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] as string);
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('<script>alert(1)</script>', '"><img src=x>', "' onmouseover='x", '&lt;')),
        (s) => {
          const e = escapeHtml(s);
          expect(e).not.toMatch(/[<>"']/);
          expect(e.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
          expect(unescape(e)).toBe(s);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('the format follows the name where it says one', () => {
    expect(['a.csv', 'b.JSON', 'c.jsonl', 'd.parquet', 'e.pq', 'f.dat', 'g'].map(formatOfName)).toEqual(['csv', 'json', 'json', 'parquet', 'parquet', null, null]);
  });
});
