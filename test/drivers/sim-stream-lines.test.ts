// Splitting a byte stream (pty, TCP) into lines, with a bound on what one line may hold.
import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { KEPT_LINE_HEAD, StreamLineTransport } from '../../drivers/transport/stream-transport';
import { MAX_LINE } from '../../shared/protocol/frame';

function feed(chunks: (string | Buffer)[]): { lines: string[]; closed: string | null } {
  const stream = new Duplex({ read() {}, write: (_c, _e, done) => done() });
  const transport = new StreamLineTransport('test', stream, () => Promise.resolve());
  const got = { lines: [] as string[], closed: null as string | null };
  transport.onLine((l) => got.lines.push(l));
  transport.onClose((why) => (got.closed = why));
  for (const c of chunks) stream.emit('data', typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
  return got;
}

const long = (n: number, ch = 'x') => ch.repeat(n);

describe('stream line splitting', () => {
  it.each([
    ['one line', ['1 PING*X\n'], ['1 PING*X']],
    ['a CR before the LF dropped', ['a\r\nb\n'], ['a', 'b']],
    ['lines split across chunks', ['ab', 'c\nd', 'e\n'], ['abc', 'de']],
    ['several lines in one chunk', ['a\nb\nc\n'], ['a', 'b', 'c']],
    ['no line end yet: nothing', ['abc'], []],
    ['an empty line', ['\n'], ['']],
    ['bytes kept as latin1', [Buffer.from([0x41, 0xff, 0x0a])], ['A\u00ff']],
    ['a line of exactly MAX_LINE plus CR kept whole', [`${long(MAX_LINE)}\r\n`], [long(MAX_LINE)]],
  ])('%s', (_, chunks, lines) => {
    expect(feed(chunks).lines).toEqual(lines);
  });

  it('keeps the start of an over-long line, drops the rest up to its LF, and goes on; the link stays up', () => {
    // 40 KiB without a line end, in 1 KiB chunks: more than the old 32 KiB guard that cut the link
    const chunks = ['7 VEC 0 1 B ', ...Array.from({ length: 40 }, () => long(1024, 'A')), 'AAAA\n9 PING*Y\n'];
    const got = feed(chunks);
    expect(got.closed).toBeNull();
    expect(got.lines).toHaveLength(2);
    expect(got.lines[0]).toHaveLength(KEPT_LINE_HEAD);
    expect(got.lines[0]!.length).toBeGreaterThan(MAX_LINE);
    expect(got.lines[0]!.startsWith('7 VEC 0 1 B AAAA')).toBe(true);
    expect(got.lines[1]).toBe('9 PING*Y');
  });
});
