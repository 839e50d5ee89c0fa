// Lines of the board protocol (docs/protocol.md). A framed line is `<body>*<CRC>`, the CRC being
// CRC-32/ISO-HDLC of the body's bytes in 8 upper-case hex digits. Bodies:
//   host -> board   `<seq> <VERB> [arg ...]`            a request, seq 0..65535
//   board -> host   `<seq> OK [field ...]`              its final answer
//                   `<seq> ERR <code> <text>`           or its error
//                   `- NAK <reason>`                    an unreadable frame (bad CRC or syntax)
//                   `! <EVENT> [field ...]`             unsolicited: BOOT, TEL
// In terminal mode (for people at a terminal) lines carry neither seq nor CRC.
// Parsers return a result, never throw: whatever arrives on the wire is data.
import { crc32Ascii, crcHex } from './crc32';

export const PROTOCOL_VERSION = 1;
/** Longest line either side sends or accepts, terminator excluded. */
export const MAX_LINE = 8192;
export const MAX_SEQ = 65535;

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export interface RequestFrame {
  readonly seq: number;
  readonly verb: string;
  readonly args: readonly string[];
}

export type BoardLine =
  | { readonly kind: 'ok'; readonly seq: number; readonly fields: readonly string[] }
  | { readonly kind: 'err'; readonly seq: number; readonly code: number; readonly text: string }
  | { readonly kind: 'nak'; readonly reason: string }
  | { readonly kind: 'event'; readonly name: string; readonly fields: readonly string[] };

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

export function frame(body: string): string {
  return `${body}*${crcHex(crc32Ascii(body))}`;
}

/** The body of a framed line whose CRC checks, or why not. */
export function unframe(line: string): ParseResult<string> {
  if (line.length > MAX_LINE) return fail('line too long');
  const star = line.lastIndexOf('*');
  if (star < 0 || line.length - star !== 9) return fail('no CRC');
  const crc = line.slice(star + 1);
  if (!/^[0-9A-F]{8}$/.test(crc)) return fail('malformed CRC');
  if (crcHex(crc32Ascii(line, star)) !== crc) return fail('CRC mismatch');
  return { ok: true, value: line.slice(0, star) };
}

function tokens(body: string): string[] {
  return body.split(' ').filter((t) => t !== '');
}

function parseSeq(token: string | undefined): number | null {
  if (token === undefined || !/^\d{1,5}$/.test(token)) return null;
  const n = Number(token);
  return n <= MAX_SEQ ? n : null;
}

export function encodeRequest(seq: number, verb: string, args: readonly (string | number)[] = []): string {
  return frame([String(seq), verb, ...args.map(String)].join(' '));
}

export function parseRequestLine(line: string): ParseResult<RequestFrame> {
  const body = unframe(line);
  if (!body.ok) return body;
  const [seqToken, verb, ...args] = tokens(body.value);
  const seq = parseSeq(seqToken);
  if (seq === null) return fail('bad sequence number');
  if (verb === undefined) return fail('no command');
  return { ok: true, value: { seq, verb: verb.toUpperCase(), args } };
}

export function encodeOk(seq: number, fields: readonly (string | number)[] = []): string {
  return frame([String(seq), 'OK', ...fields.map(String)].join(' '));
}

export function encodeErr(seq: number, code: number, text: string): string {
  return frame(`${seq} ERR ${code} ${sanitize(text)}`);
}

export function encodeNak(reason: string): string {
  return frame(`- NAK ${sanitize(reason)}`);
}

export function encodeEvent(name: string, fields: readonly (string | number)[] = []): string {
  return frame(['!', name, ...fields.map(String)].join(' '));
}

/** Free text on the wire: printable ASCII on one line, no '*' (which starts the CRC). */
export function sanitize(text: string): string {
  return text.replace(/[^\x20-\x7e]|\*/g, '?').slice(0, 200);
}

export function parseBoardLine(line: string): ParseResult<BoardLine> {
  const body = unframe(line);
  if (!body.ok) return body;
  const [head, kind, ...rest] = tokens(body.value);
  if (head === '!' && kind !== undefined) return { ok: true, value: { kind: 'event', name: kind, fields: rest } };
  if (head === '-' && kind === 'NAK') return { ok: true, value: { kind: 'nak', reason: rest.join(' ') } };
  const seq = parseSeq(head);
  if (seq === null) return fail('bad sequence number');
  if (kind === 'OK') return { ok: true, value: { kind: 'ok', seq, fields: rest } };
  if (kind === 'ERR') {
    const code = Number(rest[0]);
    if (!Number.isInteger(code)) return fail('ERR without a code');
    return { ok: true, value: { kind: 'err', seq, code, text: rest.slice(1).join(' ') } };
  }
  return fail(`unknown line kind '${String(kind).slice(0, 16)}'`);
}

/** Terminal mode: `VERB [arg ...]` typed by a person, no seq, no CRC. */
export function parseTerminalLine(line: string): ParseResult<{ verb: string; args: string[] }> {
  if (line.length > MAX_LINE) return fail('line too long');
  const [verb, ...args] = tokens(line.trim());
  if (verb === undefined) return fail('empty line');
  return { ok: true, value: { verb: verb.toUpperCase(), args } };
}
