// The wire log's format (`wire_log.encoding` = 'frames', docs/data-model.md): the lines of one
// batch, one direction, kept so that they come back exactly as they crossed the link, in less
// room than their deflated text.
//
// Each line is taken apart only where putting it together again gives it back byte for byte, and
// checked as it is taken apart:
// - a framed line whose CRC is right keeps its body only; the CRC is computed again on read;
// - a body ending in ` B <base64>` (VEC, WGT, the answers of RES? and WGT?) keeps its head as
//   text and the payload as the bytes it encodes, when they re-encode to the same text;
// - a `VEC` whose payload is the run's stored vectors at some index keeps that index and count
//   instead of the payload: the vector set is in the store already;
// - anything else (garbage, NAKs, a corrupt CRC, base64 that is not canonical, characters beyond
//   Latin-1) is kept as it is.
// The pieces go to three streams, deflated together: per-line operations, text, payload bytes.
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

/** The first byte of every blob in this format. */
export const WIRE_FORMAT = 1;

/** The run's vector set as the codec reads it. */
export interface WireVectors {
  readonly rows: number;
  readonly cols: number;
  read(first: number, count: number): Int32Array;
}

export interface WireContext {
  /** the run's vector set, or null when it has none (then no VEC is kept as a reference) */
  readonly vectors: WireVectors | null;
  /** vector indices where the lines' batches start, looked at first (the block's first vector, the next batch's) */
  readonly starts?: readonly number[];
}

/** Per-line operation tags (low 3 bits) and the CRC flag. */
export const OP = { text: 0, wide: 1, base64: 2, vectors: 3 } as const;
export const OP_CRC = 8;

export interface WireDeflate {
  readonly level?: number;
  readonly strategy?: number;
}
/** Level 1: see docs/benchmarks.md (store) for the levels measured. */
const DEFLATE: WireDeflate = { level: 1 };

const HEX8 = /^[0-9A-F]{8}$/;
const NOT_LATIN1 = /[^\u0000-\u00ff]/u; // eslint-disable-line no-control-regex -- every Latin-1 character, control characters included
const VEC_HEAD = /^\d{1,5} VEC (\d{1,9}) (\d{1,9}) B $/;

const crcOf = (body: string) => (crc32(Buffer.from(body, 'latin1')) >>> 0).toString(16).toUpperCase().padStart(8, '0');

/** Vectors packed as a VEC line carries them: one byte per input (width 1) or two, little-endian (width 2); wider values wrap, on both sides alike. */
function packVectors(v: Int32Array, width: number): Buffer {
  if (width === 1) {
    const out = new Uint8Array(v.length);
    out.set(v);
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  }
  const out = new Uint16Array(v.length);
  out.set(v);
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

/** Unsigned LEB128 varints into a growing buffer. */
class Bytes {
  buf = Buffer.allocUnsafe(1024);
  length = 0;
  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
  byte(b: number): void {
    this.room(1);
    this.buf[this.length++] = b;
  }
  varint(n: number): void {
    this.room(8);
    while (n >= 128) {
      this.buf[this.length++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.buf[this.length++] = n;
  }
  view(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

/** Finds the stored vectors a VEC payload repeats: where the batch's other lines were found, where the batches start, then by the slot. */
class VectorMatcher {
  /** vector index minus slot of the VEC lines matched so far: a batch's lines share it */
  private bases: number[] = [];
  private next = -1;
  constructor(
    private readonly vectors: WireVectors,
    private readonly starts: readonly number[],
  ) {}

  find(slot: number, count: number, payload: Buffer): { index: number; width: number } | null {
    const { rows, cols } = this.vectors;
    if (count === 0 || payload.length % (count * cols) !== 0) return null;
    const width = payload.length / (count * cols);
    if (width !== 1 && width !== 2) return null;
    const tried = new Set<number>();
    const candidates = [this.next, ...this.bases.map((b) => b + slot), ...this.starts, ...this.starts.map((s) => s + slot)];
    for (const index of candidates) {
      if (index < 0 || index + count > rows || tried.has(index)) continue;
      tried.add(index);
      if (packVectors(this.vectors.read(index, count), width).equals(payload)) {
        this.next = index + count;
        if (!this.bases.includes(index - slot)) this.bases.push(index - slot);
        if (this.bases.length > 8) this.bases.shift();
        return { index, width };
      }
    }
    return null;
  }
}

/** One direction's lines of a batch, in the 'frames' format. */
export function encodeWire(lines: readonly string[], ctx: WireContext = { vectors: null }, deflate: WireDeflate = DEFLATE): Buffer {
  const ops = new Bytes();
  const text: Buffer[] = [];
  const payload: Buffer[] = [];
  let textLength = 0;
  const addText = (s: string, encoding: 'latin1' | 'utf16le') => {
    const b = Buffer.from(s, encoding);
    text.push(b);
    textLength += b.length;
  };
  const matcher = ctx.vectors ? new VectorMatcher(ctx.vectors, ctx.starts ?? []) : null;
  ops.varint(lines.length);
  for (const line of lines) {
    if (NOT_LATIN1.test(line)) {
      // not a byte string (never read off a serial line): UTF-16 code units, exactly
      ops.byte(OP.wide);
      ops.varint(line.length);
      addText(line, 'utf16le');
      continue;
    }
    let body = line;
    let crc = 0;
    const n = line.length;
    if (n >= 9 && line.charCodeAt(n - 9) === 42 && HEX8.test(line.slice(n - 8)) && crcOf(line.slice(0, n - 9)) === line.slice(n - 8)) {
      body = line.slice(0, n - 9);
      crc = OP_CRC;
    }
    const space = body.lastIndexOf(' ');
    if (space >= 2 && space + 1 < body.length && body.charCodeAt(space - 1) === 66 && body.charCodeAt(space - 2) === 32) {
      const token = body.slice(space + 1);
      const bytes = Buffer.from(token, 'base64');
      if (bytes.length > 0 && bytes.toString('base64') === token) {
        const head = body.slice(0, space + 1);
        const vec = matcher && VEC_HEAD.exec(head);
        const found = vec ? matcher.find(Number(vec[1]), Number(vec[2]), bytes) : null;
        if (found) {
          ops.byte(OP.vectors | crc);
          ops.varint(head.length);
          ops.varint(found.index);
          ops.byte(found.width);
          addText(head, 'latin1');
          continue;
        }
        ops.byte(OP.base64 | crc);
        ops.varint(head.length);
        ops.varint(bytes.length);
        addText(head, 'latin1');
        payload.push(bytes);
        continue;
      }
    }
    ops.byte(OP.text | crc);
    ops.varint(body.length);
    addText(body, 'latin1');
  }
  const header = new Bytes();
  header.varint(ops.length);
  header.varint(textLength);
  const stream = Buffer.concat([header.view(), ops.view(), ...text, ...payload]);
  return Buffer.concat([Buffer.from([WIRE_FORMAT]), deflateRawSync(stream, deflate)]);
}

/** The lines back, exactly; `vectors` is asked for only when a line refers to the vector set. */
export function decodeWire(blob: Buffer, vectors: () => WireVectors): string[] {
  if (blob[0] !== WIRE_FORMAT) throw new Error(`wire log: unknown format ${String(blob[0])}`);
  const s = inflateRawSync(blob.subarray(1));
  let at = 0;
  const varint = () => {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = s[at++];
      if (b === undefined) throw new Error('wire log: truncated');
      n += (b & 127) * scale;
      if (b < 128) return n;
      scale *= 128;
    }
  };
  const opsLength = varint();
  const textLength = varint();
  let op = at;
  let text = at + opsLength;
  let data = text + textLength;
  at = op;
  const lineCount = varint();
  op = at;
  const take = (n: number, encoding: 'latin1' | 'utf16le') => {
    const bytes = encoding === 'latin1' ? n : 2 * n;
    const out = s.toString(encoding, text, text + bytes);
    text += bytes;
    return out;
  };
  const out: string[] = [];
  let set: WireVectors | null = null;
  for (let k = 0; k < lineCount; k++) {
    at = op;
    const tag = s[at++] as number;
    const kind = tag & 7;
    let body: string;
    if (kind === OP.wide) {
      out.push(take(varint(), 'utf16le'));
      op = at;
      continue;
    } else if (kind === OP.text) {
      body = take(varint(), 'latin1');
    } else if (kind === OP.base64) {
      const head = take(varint(), 'latin1');
      const n = varint();
      body = head + s.toString('base64', data, data + n);
      data += n;
    } else if (kind === OP.vectors) {
      const head = take(varint(), 'latin1');
      const index = varint();
      const width = s[at++] as number;
      const m = VEC_HEAD.exec(head);
      if (!m) throw new Error(`wire log: a vector reference under '${head}'`);
      set ??= vectors();
      const count = Number(m[2]);
      if (index + count > set.rows) throw new Error(`wire log: vectors ${index}..${index + count - 1} beyond the set's ${set.rows}`);
      body = head + packVectors(set.read(index, count), width).toString('base64');
    } else throw new Error(`wire log: unknown operation ${tag}`);
    op = at;
    out.push((tag & OP_CRC) !== 0 ? `${body}*${crcOf(body)}` : body);
  }
  return out;
}
