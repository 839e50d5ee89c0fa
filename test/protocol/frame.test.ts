import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32Ascii, crcHex } from '../../shared/protocol/crc32';
import {
  encodeErr,
  encodeEvent,
  encodeNak,
  encodeOk,
  encodeRequest,
  frame,
  MAX_LINE,
  parseBoardLine,
  parseRequestLine,
  parseTerminalLine,
} from '../../shared/protocol/frame';

const framed = (body: string) => `${body}*${crcHex(crc32Ascii(body))}`;

describe('request lines (board side)', () => {
  it.each([
    ['a query', framed('0 *IDN?'), { seq: 0, verb: '*IDN?', args: [] }],
    ['arguments', framed('65535 RUN 7 0 4096 1'), { seq: 65535, verb: 'RUN', args: ['7', '0', '4096', '1'] }],
    ['a lower-case verb', framed('3 ping'), { seq: 3, verb: 'PING', args: [] }],
  ])('parses %s', (_, line, value) => {
    expect(parseRequestLine(line)).toEqual({ ok: true, value });
  });

  it.each([
    ['no CRC', '1 PING', 'no CRC'],
    ['a wrong CRC', '1 PING*00000000', 'CRC mismatch'],
    ['a lower-case CRC', `1 PING*${crcHex(crc32Ascii('1 PING')).toLowerCase()}`, 'malformed CRC'],
    ['a flipped character', framed('1 PING').replace('P', 'Q'), 'CRC mismatch'],
    ['a seq beyond 65535', framed('65536 PING'), 'bad sequence number'],
    ['no seq', framed('PING'), 'bad sequence number'],
    ['no verb', framed('12'), 'no command'],
    ['an over-long line', framed(`1 VEC ${'A'.repeat(MAX_LINE)}`), 'line too long'],
  ])('refuses %s', (_, line, error) => {
    expect(parseRequestLine(line)).toEqual({ ok: false, error });
  });
});

describe('board lines (host side)', () => {
  it.each([
    ['OK with fields', encodeOk(5, ['A=1', 'B=2']), { kind: 'ok', seq: 5, fields: ['A=1', 'B=2'] }],
    ['ERR', encodeErr(6, 2, 'bad parameter B: must be <= 15'), { kind: 'err', seq: 6, code: 2, text: 'bad parameter B: must be <= 15' }],
    ['NAK', encodeNak('CRC mismatch'), { kind: 'nak', reason: 'CRC mismatch' }],
    ['an event', encodeEvent('TEL', ['MS=5']), { kind: 'event', name: 'TEL', fields: ['MS=5'] }],
  ])('parses %s', (_, line, value) => {
    expect(parseBoardLine(line)).toEqual({ ok: true, value });
  });

  it('keeps a "*" out of free text, so it cannot fake a CRC boundary', () => {
    const line = encodeErr(1, 7, 'bad * data\n');
    expect(parseBoardLine(line)).toEqual({ ok: true, value: { kind: 'err', seq: 1, code: 7, text: 'bad ? data?' } });
  });

  it.each([
    ['an unknown kind', framed('1 MAYBE'), /unknown line kind/],
    ['ERR without a code', framed('1 ERR oops'), /ERR without a code/],
    ['a terminal-mode line', 'OK TERM ON', /no CRC/],
  ])('refuses %s', (_, line, error) => {
    const r = parseBoardLine(line);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });
});

describe('terminal lines', () => {
  it('need neither seq nor CRC', () => {
    expect(parseTerminalLine('  vec 0 1 D 1,2,3 ')).toEqual({ ok: true, value: { verb: 'VEC', args: ['0', '1', 'D', '1,2,3'] } });
    expect(parseTerminalLine('   ').ok).toBe(false);
  });
});

describe('frame properties', () => {
  const token = fc.stringMatching(/^[\x21-\x29\x2b-\x7e]{1,12}$/);

  it('any request round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65535 }), fc.stringMatching(/^[A-Z*?]{1,6}$/), fc.array(token, { maxLength: 6 }), (seq, verb, args) => {
        expect(parseRequestLine(encodeRequest(seq, verb, args))).toEqual({ ok: true, value: { seq, verb, args } });
      }),
    );
  });

  it('any answer round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65535 }), fc.array(token, { maxLength: 6 }), (seq, fields) => {
        expect(parseBoardLine(encodeOk(seq, fields))).toEqual({ ok: true, value: { kind: 'ok', seq, fields } });
      }),
    );
  });

  it('one changed character is always detected', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 65535 }),
        fc.array(token, { minLength: 1, maxLength: 6 }),
        fc.nat(),
        fc.integer({ min: 0x20, max: 0x7e }),
        (seq, args, at, ch) => {
          const line = encodeRequest(seq, 'VEC', args);
          const i = at % line.length;
          fc.pre(line.charCodeAt(i) !== ch);
          const bad = line.slice(0, i) + String.fromCharCode(ch) + line.slice(i + 1);
          expect(parseRequestLine(bad).ok).toBe(false);
        },
      ),
    );
  });

  it('random garbage never throws out of any parser', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.string({ maxLength: 40 }).map((s) => frame(s)),
        ),
        (s) => {
          parseRequestLine(s);
          parseBoardLine(s);
          parseTerminalLine(s);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
