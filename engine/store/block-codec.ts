// The measured values of one result block, packed into one blob (docs/data-model.md, "Block blob").
//
// Only what the board measured is kept, bit-exact: D, S, level and the ADC code of every plane
// that was analog in that MAC. Which planes are analog follows from the MAC's level (the board's
// result records are laid out the same way, shared/protocol/data-blocks.ts), so the codes are
// stored per level's plane mask, plane by plane: a plane's codes share one distribution, which is
// what deflate's Huffman tables feed on. The masks are read off the block itself, so the blob
// decodes without the profile or the configuration; a block that does not fit that shape (a code
// outside 0..65535, a MAC whose planes differ from its level's) is kept as raw int16 instead.
import { deflateRawSync, inflateRawSync, constants } from 'node:zlib';
import { NOT_ANALOG } from '../../shared/model/mac-batch';

/** What a block measured, per MAC (index (vector - first) * outputs + output, repeats after each other). */
export interface MeasuredValues {
  readonly digital: Float64Array;
  /** 0 outside osa mode */
  readonly saliency: Float64Array;
  readonly level: Uint8Array;
  /** per MAC and plane, NOT_ANALOG where the plane was not analog */
  readonly codes: Int16Array;
}

const VERSION = 1;
const FLAG_DEFLATED = 1;

/** How a column of sums is kept: nothing when all zero, int32 when every value fits, else float64. */
const SUMS = { zero: 0, int32: 1, float64: 2 } as const;
/** How the codes are kept: per level's plane mask at 8 or 16 bits, or every plane as int16. */
const CODES = { masked8: 0, masked16: 1, raw16: 2 } as const;

const HEADER = 16;

/** Deflate settings: Huffman only, since ADC noise leaves LZ77 nothing to match (bench -- engine). */
export const BLOCK_DEFLATE = { level: 6, strategy: constants.Z_HUFFMAN_ONLY } as const;

function sumsKind(a: Float64Array): number {
  let zero = true;
  for (let k = 0; k < a.length; k++) {
    const v = a[k] as number;
    if (v !== 0 || 1 / v < 0) {
      zero = false;
      // -0 and non-integers need the float64 bits to come back exactly
      if ((v | 0) !== v || v === 0) return SUMS.float64;
    }
  }
  return zero ? SUMS.zero : SUMS.int32;
}

const pad8 = (n: number) => (n + 7) & ~7;

/**
 * The analog-plane mask of each level (1 = analog), read off the first MAC at that level; null
 * when some MAC does not follow its level's mask or holds a code no mask can keep.
 */
function levelMasks(v: MeasuredValues, macs: number, planes: number): { masks: Uint8Array[]; wide: boolean } | null {
  const masks: Uint8Array[] = [];
  let top = 0;
  const { codes, level } = v;
  for (let mac = 0; mac < macs; mac++) {
    const l = level[mac] as number;
    const base = mac * planes;
    let mask = masks[l];
    if (!mask) {
      mask = new Uint8Array(planes);
      for (let p = 0; p < planes; p++) mask[p] = codes[base + p] === NOT_ANALOG ? 0 : 1;
      masks[l] = mask;
    }
    for (let p = 0; p < planes; p++) {
      const c = codes[base + p] as number;
      // analog: a code >= 0; not analog: NOT_ANALOG (-1); one compare each way
      if (mask[p] === 1) {
        if (c < 0) return null;
        top |= c;
      } else if (c !== NOT_ANALOG) return null;
    }
  }
  for (let l = 0; l < masks.length; l++) masks[l] ??= new Uint8Array(planes); // levels no MAC took
  return { masks, wide: top > 255 };
}

/** Per plane, how many MACs have it analog, and where its codes start in the code section. */
function planeStarts(level: Uint8Array, macs: number, planes: number, masks: readonly Uint8Array[]): Int32Array {
  const perLevel = new Int32Array(masks.length);
  for (let mac = 0; mac < macs; mac++) perLevel[level[mac] as number]!++;
  const start = new Int32Array(planes + 1);
  for (let p = 0; p < planes; p++) {
    let n = 0;
    for (let l = 0; l < masks.length; l++) if ((masks[l] as Uint8Array)[p]) n += perLevel[l] as number;
    start[p + 1] = (start[p] as number) + n;
  }
  return start;
}

/** Each level's analog planes, ascending. */
const analogLists = (masks: readonly Uint8Array[]) => masks.map((m) => Int32Array.from(m.keys()).filter((p) => m[p] === 1));

/** Codes, MAC by MAC, each to its plane's run (plane-major). A generic, so each width gets its own monomorphic copy. */
function gather<T extends Uint8Array | Uint16Array>(target: T, v: MeasuredValues, planes: number, starts: Int32Array, lists: readonly Int32Array[]): void {
  const cursor = starts.slice(0, planes);
  const { codes, level } = v;
  for (let mac = 0, base = 0; mac < level.length; mac++, base += planes) {
    const list = lists[level[mac] as number] as Int32Array;
    for (let q = 0; q < list.length; q++) {
      const p = list[q] as number;
      target[cursor[p]!++] = codes[base + p] as number;
    }
  }
}

function scatter<T extends Uint8Array | Uint16Array>(
  source: T,
  codes: Int16Array,
  level: Uint8Array,
  planes: number,
  starts: Int32Array,
  lists: readonly Int32Array[],
): void {
  const cursor = starts.slice(0, planes);
  for (let mac = 0, base = 0; mac < level.length; mac++, base += planes) {
    const list = lists[level[mac] as number] as Int32Array;
    for (let q = 0; q < list.length; q++) {
      const p = list[q] as number;
      codes[base + p] = source[cursor[p]!++] as number;
    }
  }
}

/** Pack a block's measured values; `deflate: false` keeps the payload as it is (for tests and benchmarks). */
export function encodeMeasured(v: MeasuredValues, planes: number, options: { deflate?: boolean } = {}): Buffer {
  const macs = v.digital.length;
  if (v.saliency.length !== macs || v.level.length !== macs || v.codes.length !== macs * planes)
    throw new RangeError(`a block of ${macs} MACs and ${planes} planes has ${v.saliency.length} saliencies, ${v.level.length} levels, ${v.codes.length} codes`);
  const dKind = sumsKind(v.digital);
  const sKind = sumsKind(v.saliency);
  let levelsStored = false;
  for (let k = 0; k < macs; k++) if (v.level[k] !== 0) levelsStored = true;
  const shape = levelMasks(v, macs, planes);
  const cKind = !shape ? CODES.raw16 : shape.wide ? CODES.masked16 : CODES.masked8;
  const masks = shape?.masks ?? [];
  const maskBytes = pad8(masks.length * planes);
  const starts = shape ? planeStarts(v.level, macs, planes, masks) : null;
  const codeCount = starts ? (starts[planes] as number) : macs * planes;
  const sumBytes = (k: number) => (k === SUMS.zero ? 0 : pad8(macs * (k === SUMS.int32 ? 4 : 8)));
  const size = HEADER + maskBytes + sumBytes(dKind) + sumBytes(sKind) + (levelsStored ? pad8(macs) : 0) + codeCount * (cKind === CODES.masked8 ? 1 : 2);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, macs, true);
  dv.setUint16(4, planes, true);
  out[6] = dKind;
  out[7] = sKind;
  out[8] = levelsStored ? 1 : 0;
  out[9] = cKind;
  dv.setUint16(10, masks.length, true);
  masks.forEach((m, l) => out.set(m, HEADER + l * planes));
  let at = HEADER + maskBytes;
  for (const [a, kind] of [
    [v.digital, dKind],
    [v.saliency, sKind],
  ] as const) {
    if (kind === SUMS.int32) new Int32Array(out.buffer, at, macs).set(a);
    else if (kind === SUMS.float64) new Float64Array(out.buffer, at, macs).set(a);
    at += sumBytes(kind);
  }
  if (levelsStored) {
    out.set(v.level, at);
    at += pad8(macs);
  }
  if (!starts) new Int16Array(out.buffer, at, macs * planes).set(v.codes);
  else {
    // plane-major: walk the MACs once, each code to its plane's cursor
    const lists = analogLists(masks);
    if (cKind === CODES.masked8) gather(out.subarray(at, at + codeCount), v, planes, starts, lists);
    else gather(new Uint16Array(out.buffer, at, codeCount), v, planes, starts, lists);
  }
  const deflate = options.deflate ?? true;
  const body = deflate ? deflateRawSync(out, BLOCK_DEFLATE) : out;
  // deflate only where it pays: a payload that does not shrink is kept as it is
  const packed = deflate && body.length < out.length;
  const blob = Buffer.allocUnsafeSlow(2 + (packed ? body.length : out.length));
  blob[0] = VERSION;
  blob[1] = packed ? FLAG_DEFLATED : 0;
  blob.set(packed ? body : out, 2);
  return blob;
}

/** The payload as an 8-byte-aligned copy, so that typed arrays can view it. */
function payloadOf(blob: Uint8Array): Uint8Array {
  if (blob[0] !== VERSION) throw new Error(`a result block in format ${blob[0]}: this app reads format ${VERSION}`);
  const body = blob.subarray(2);
  if ((blob[1] as number) & FLAG_DEFLATED) {
    const raw = inflateRawSync(body);
    return raw.byteOffset % 8 === 0 ? raw : new Uint8Array(raw);
  }
  return new Uint8Array(body);
}

export function decodeMeasured(blob: Uint8Array): MeasuredValues & { planes: number } {
  const out = payloadOf(blob);
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const macs = dv.getUint32(0, true);
  const planes = dv.getUint16(4, true);
  const dKind = out[6] as number;
  const sKind = out[7] as number;
  const levelsStored = out[8] === 1;
  const cKind = out[9] as number;
  const nMasks = dv.getUint16(10, true);
  const masks = Array.from({ length: nMasks }, (_, l) => out.subarray(HEADER + l * planes, HEADER + (l + 1) * planes));
  let at = out.byteOffset + HEADER + pad8(nMasks * planes);
  const sums = (kind: number): Float64Array => {
    const a = new Float64Array(macs);
    if (kind === SUMS.int32) a.set(new Int32Array(out.buffer, at, macs));
    else if (kind === SUMS.float64) a.set(new Float64Array(out.buffer, at, macs));
    at += kind === SUMS.zero ? 0 : pad8(macs * (kind === SUMS.int32 ? 4 : 8));
    return a;
  };
  const digital = sums(dKind);
  const saliency = sums(sKind);
  const level = new Uint8Array(macs);
  if (levelsStored) {
    level.set(new Uint8Array(out.buffer, at, macs));
    at += pad8(macs);
  }
  const codes = new Int16Array(macs * planes);
  if (cKind === CODES.raw16) codes.set(new Int16Array(out.buffer, at, macs * planes));
  else {
    codes.fill(NOT_ANALOG);
    const starts = planeStarts(level, macs, planes, masks);
    const count = starts[planes] as number;
    const lists = analogLists(masks);
    if (cKind === CODES.masked8) scatter(new Uint8Array(out.buffer, at, count), codes, level, planes, starts, lists);
    else scatter(new Uint16Array(out.buffer, at, count), codes, level, planes, starts, lists);
  }
  return { planes, digital, saliency, level, codes };
}
