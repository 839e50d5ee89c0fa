// Bulk data on the wire: weights, vectors and results, each as `B <base64>` (packed little-endian
// integers; what the app sends) or `D <decimal>` (for people at a terminal).
import { planeGeometry } from '../model/geometry';
import { levelPlans } from '../model/level-plans';
import { NOT_ANALOG } from '../model/mac-batch';
import { resolveMode } from '../model/modes';
import { DEFAULT_PROFILE, parseDieProfile, type DieProfile } from '../model/profile';
import { decodeBase64, encodeBase64 } from './base64';
import type { ParseResult } from './frame';
import type { BoardCapabilities, BoardRunConfig } from './payloads';

export type Encoding = 'B' | 'D';
const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

export function isEncoding(s: string | undefined): s is Encoding {
  return s === 'B' || s === 'D';
}

// ---- integer blocks (weights, vectors) --------------------------------------------------------

export interface IntFormat {
  /** bytes per element in the B encoding */
  readonly bytes: 1 | 2;
  readonly min: number;
  readonly max: number;
}

export function vectorFormat(inputBits: number): IntFormat {
  return { bytes: inputBits <= 8 ? 1 : 2, min: 0, max: 2 ** inputBits - 1 };
}

export function weightFormat(weightBits: number): IntFormat {
  return { bytes: weightBits <= 8 ? 1 : 2, min: -(2 ** (weightBits - 1)), max: 2 ** (weightBits - 1) - 1 };
}

export function encodeInts(values: ArrayLike<number>, format: IntFormat, enc: Encoding): string {
  if (enc === 'D') return Array.from(values).join(',');
  const bytes = new Uint8Array(values.length * format.bytes);
  for (let k = 0; k < values.length; k++) {
    const v = values[k] as number;
    if (format.bytes === 1) bytes[k] = v & 255;
    else {
      bytes[2 * k] = v & 255;
      bytes[2 * k + 1] = (v >> 8) & 255;
    }
  }
  return encodeBase64(bytes);
}

/**
 * `count` integers in `format`'s range. In D, `padTo` lets a person type fewer values than
 * `count` (the rest are zero): a vector of 256 inputs cannot be typed by hand.
 */
export function decodeInts(text: string, enc: Encoding, count: number, format: IntFormat, padTo = false): ParseResult<Int32Array> {
  const out = new Int32Array(count);
  if (enc === 'D') {
    const parts = text.split(',');
    if (parts.length > count || (!padTo && parts.length !== count)) {
      return fail(`${parts.length} values, expected ${count}`);
    }
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k] as string;
      if (!/^-?\d{1,6}$/.test(p)) return fail(`value ${k} '${p.slice(0, 12)}' is not an integer`);
      const v = Number(p);
      if (v < format.min || v > format.max) return fail(`value ${k} (${v}) is outside ${format.min}..${format.max}`);
      out[k] = v;
    }
    return { ok: true, value: out };
  }
  const bytes = decodeBase64(text);
  if (!bytes) return fail('not valid base64');
  if (bytes.length !== count * format.bytes) return fail(`${bytes.length} bytes, expected ${count * format.bytes}`);
  const signed = format.min < 0;
  for (let k = 0; k < count; k++) {
    let v = format.bytes === 1 ? (bytes[k] as number) : (bytes[2 * k] as number) | ((bytes[2 * k + 1] as number) << 8);
    if (signed && v >= (format.bytes === 1 ? 128 : 32768)) v -= format.bytes === 1 ? 256 : 65536;
    if (v < format.min || v > format.max) return fail(`value ${k} (${v}) is outside ${format.min}..${format.max}`);
    out[k] = v;
  }
  return { ok: true, value: out };
}

// ---- results (RES?) ---------------------------------------------------------------------------

/** What the board measured for a run of vectors, per MAC (index v * outputs + m). */
export interface ResultBlock {
  readonly first: number;
  readonly count: number;
  readonly outputs: number;
  readonly planes: number;
  /** the digital sum D */
  readonly digital: Float64Array;
  /** the saliency S (0 outside osa mode) */
  readonly saliency: Float64Array;
  readonly level: Uint8Array;
  /** ADC code per MAC and plane, NOT_ANALOG where the plane is not analog */
  readonly codes: Int16Array;
}

export function allocateResultBlock(first: number, count: number, outputs: number, planes: number): ResultBlock {
  return {
    first,
    count,
    outputs,
    planes,
    digital: new Float64Array(count * outputs),
    saliency: new Float64Array(count * outputs),
    level: new Uint8Array(count * outputs),
    codes: new Int16Array(count * outputs * planes).fill(NOT_ANALOG),
  };
}

/** How the records of one configuration are laid out: which planes carry codes at each level. */
export interface ResultLayout {
  readonly profile: DieProfile;
  readonly outputs: number;
  readonly planes: number;
  readonly levels: number;
  /** bytes of D and S: 4 while they fit an int32, else 8 */
  readonly sumBytes: 4 | 8;
  readonly codeBytes: 1 | 2;
  /** analog plane indices (ascending) of each level; a fixed-boundary mode has one, level 0 */
  readonly analogPlanes: readonly Int32Array[];
  /** the longest record of one vector this configuration can produce, in bytes */
  readonly maxVectorBytes: number;
}

/** The die profile a board's geometry and run configuration stand for (energies are not the board's). */
export function boardProfile(caps: BoardCapabilities, config: BoardRunConfig, energy = DEFAULT_PROFILE.energy): DieProfile {
  return parseDieProfile(
    {
      rows: caps.rows,
      outputs: caps.outputs,
      inputBits: caps.inputBits,
      weightBits: caps.weightBits,
      adcBits: caps.adcBits,
      salientInputBits: config.salientInputBits,
      levels: config.levels.map((l) => ({ ...l })),
      thresholds: [...config.thresholds],
      energy: { ...energy },
    },
    'board configuration',
  );
}

export function resultLayout(caps: BoardCapabilities, config: BoardRunConfig): ResultLayout {
  const profile = boardProfile(caps, config);
  const geometry = planeGeometry(profile);
  const resolved = resolveMode(profile, { mode: config.mode, boundary: config.boundary, skip: config.skip });
  const plans = levelPlans(profile, geometry, resolved.fixed);
  const analogOf = (l: number) => {
    const start = l * geometry.planes + (plans.nDigital[l] as number);
    return Int32Array.from(plans.planeOrder.subarray(start, start + (plans.nAnalog[l] as number))).sort();
  };
  const analogPlanes = resolved.fixed ? [analogOf(plans.levels - 1)] : profile.levels.map((_, l) => analogOf(l));
  const maxSum = caps.rows * 2 ** (caps.inputBits + caps.weightBits - 1);
  const sumBytes = maxSum < 2 ** 31 ? 4 : 8;
  const codeBytes = caps.adcBits <= 8 ? 1 : 2;
  const maxAnalog = Math.max(...analogPlanes.map((a) => a.length));
  return {
    profile,
    outputs: caps.outputs,
    planes: geometry.planes,
    levels: analogPlanes.length,
    sumBytes,
    codeBytes,
    analogPlanes,
    maxVectorBytes: caps.outputs * (2 * sumBytes + 1 + maxAnalog * codeBytes),
  };
}

function writeInt(view: DataView, at: number, v: number, bytes: 4 | 8): void {
  if (bytes === 4) view.setInt32(at, v, true);
  else view.setBigInt64(at, BigInt(v), true);
}

function readInt(view: DataView, at: number, bytes: 4 | 8): number {
  return bytes === 4 ? view.getInt32(at, true) : Number(view.getBigInt64(at, true));
}

/**
 * One record per vector, per output: D, S, level, then the codes of that level's analog planes
 * in ascending plane order. B packs them little-endian; D writes `D:S:level:c,c,...` per output,
 * outputs separated by ';' and vectors by '|'.
 */
export function encodeResults(block: ResultBlock, from: number, count: number, layout: ResultLayout, enc: Encoding): string {
  const { outputs, planes } = layout;
  if (enc === 'D') {
    const vectors: string[] = [];
    for (let v = from; v < from + count; v++) {
      const outs: string[] = [];
      for (let m = 0; m < outputs; m++) {
        const mac = v * outputs + m;
        const level = block.level[mac] as number;
        const codes = Array.from(layout.analogPlanes[Math.min(level, layout.levels - 1)] as Int32Array, (p) => block.codes[mac * planes + p]);
        outs.push(`${block.digital[mac]}:${block.saliency[mac]}:${level}:${codes.join(',')}`);
      }
      vectors.push(outs.join(';'));
    }
    return vectors.join('|');
  }
  let size = 0;
  for (let v = from; v < from + count; v++) {
    for (let m = 0; m < outputs; m++) {
      const level = Math.min(block.level[v * outputs + m] as number, layout.levels - 1);
      size += 2 * layout.sumBytes + 1 + (layout.analogPlanes[level] as Int32Array).length * layout.codeBytes;
    }
  }
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (let v = from; v < from + count; v++) {
    for (let m = 0; m < outputs; m++) {
      const mac = v * outputs + m;
      writeInt(view, at, block.digital[mac] as number, layout.sumBytes);
      writeInt(view, at + layout.sumBytes, block.saliency[mac] as number, layout.sumBytes);
      at += 2 * layout.sumBytes;
      const level = block.level[mac] as number;
      bytes[at++] = level;
      for (const p of layout.analogPlanes[Math.min(level, layout.levels - 1)] as Int32Array) {
        const code = block.codes[mac * planes + p] as number;
        if (layout.codeBytes === 1) bytes[at++] = code;
        else {
          view.setUint16(at, code, true);
          at += 2;
        }
      }
    }
  }
  return encodeBase64(bytes);
}

export function decodeResults(text: string, enc: Encoding, first: number, count: number, layout: ResultLayout): ParseResult<ResultBlock> {
  const { outputs, planes } = layout;
  const block = allocateResultBlock(first, count, outputs, planes);
  const codeMax = 2 ** layout.profile.adcBits - 1;
  const setLevel = (mac: number, level: number): Int32Array | null => {
    if (!Number.isInteger(level) || level < 0 || level >= layout.levels) return null;
    block.level[mac] = level;
    return layout.analogPlanes[level] as Int32Array;
  };
  if (enc === 'D') {
    const vectors = text.split('|');
    if (vectors.length !== count) return fail(`${vectors.length} vector records, expected ${count}`);
    for (let v = 0; v < count; v++) {
      const outs = (vectors[v] as string).split(';');
      if (outs.length !== outputs) return fail(`vector ${first + v}: ${outs.length} outputs, expected ${outputs}`);
      for (let m = 0; m < outputs; m++) {
        const mac = v * outputs + m;
        const [d, s, l, c = ''] = (outs[m] as string).split(':');
        const analog = setLevel(mac, Number(l));
        if (!analog || !/^-?\d+$/.test(d ?? '') || !/^-?\d+$/.test(s ?? '')) return fail(`vector ${first + v}, output ${m}: malformed record`);
        block.digital[mac] = Number(d);
        block.saliency[mac] = Number(s);
        const codes = c === '' ? [] : c.split(',').map(Number);
        if (codes.length !== analog.length) return fail(`vector ${first + v}, output ${m}: ${codes.length} codes, expected ${analog.length}`);
        for (let q = 0; q < analog.length; q++) {
          const code = codes[q] as number;
          if (!Number.isInteger(code) || code < 0 || code > codeMax) return fail(`vector ${first + v}, output ${m}: code ${code} outside 0..${codeMax}`);
          block.codes[mac * planes + (analog[q] as number)] = code;
        }
      }
    }
    return { ok: true, value: block };
  }
  const bytes = decodeBase64(text);
  if (!bytes) return fail('not valid base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  for (let v = 0; v < count; v++) {
    for (let m = 0; m < outputs; m++) {
      const mac = v * outputs + m;
      if (at + 2 * layout.sumBytes + 1 > bytes.length) return fail(`truncated at vector ${first + v}, output ${m}`);
      block.digital[mac] = readInt(view, at, layout.sumBytes);
      block.saliency[mac] = readInt(view, at + layout.sumBytes, layout.sumBytes);
      at += 2 * layout.sumBytes;
      const analog = setLevel(mac, bytes[at++] as number);
      if (!analog) return fail(`vector ${first + v}, output ${m}: level ${bytes[at - 1]} outside 0..${layout.levels - 1}`);
      if (at + analog.length * layout.codeBytes > bytes.length) return fail(`truncated at vector ${first + v}, output ${m}`);
      for (let q = 0; q < analog.length; q++) {
        const code = layout.codeBytes === 1 ? (bytes[at++] as number) : view.getUint16((at += 2) - 2, true);
        if (code > codeMax) return fail(`vector ${first + v}, output ${m}: code ${code} outside 0..${codeMax}`);
        block.codes[mac * planes + (analog[q] as number)] = code;
      }
    }
  }
  if (at !== bytes.length) return fail(`${bytes.length - at} bytes after the last record`);
  return { ok: true, value: block };
}
