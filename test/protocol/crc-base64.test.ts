import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../../shared/protocol/base64';
import { crc32Ascii, crc32Bytes, crcHex } from '../../shared/protocol/crc32';

describe('CRC-32/ISO-HDLC', () => {
  it('has the published check value: crc32("123456789") = CBF43926', () => {
    expect(crcHex(crc32Ascii('123456789'))).toBe('CBF43926');
    expect(crc32Bytes(new Uint8Array([0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39]))).toBe(0xcbf43926);
    expect(crc32Ascii('')).toBe(0);
  });

  it('equals zlib.crc32 on any ASCII text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 127 }).map((c) => String.fromCharCode(c)) }), (s) => {
        expect(crc32Ascii(s)).toBe(crc32(Buffer.from(s, 'latin1')));
      }),
    );
  });
});

describe('base64', () => {
  it('matches Buffer on any bytes, and decodes back', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = encodeBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect(Array.from(decodeBase64(text) ?? [])).toEqual(Array.from(bytes));
      }),
    );
  });

  it.each([
    ['a valid quartet', 'QUJD', true],
    ['a length not a multiple of 4', 'QUJ', false],
    ['a character outside the alphabet', 'QU-D', false],
    ['padding in the middle', 'QQ==QUJD', false],
    ['non-zero padding bits (not canonical)', 'QR==', false],
    ['non-ASCII', 'QUJ\u00e9', false],
  ])('%s', (_, text, valid) => {
    expect(decodeBase64(text) !== null).toBe(valid);
  });

  it('never throws on garbage', () => {
    fc.assert(fc.property(fc.string(), (s) => void decodeBase64(s)));
  });
});
