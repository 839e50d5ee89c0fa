// A result block's blob read plane by plane, as block-codec.ts lays it out (docs/data-model.md,
// "Block blob"), for the comparisons that read every block of a big run: the codes stay in the
// blob's plane-major runs (no scatter into a MAC x plane array, no fill), each plane with the list
// of the MACs it was analog in. Planes analog at the same levels share one list. The layout read
// here is block-codec.ts's (tested against decodeMeasured): a change there must be made here too.
import { inflateRawSync } from 'node:zlib';
import type { PlaneCodes } from '../../shared/analysis/plane-codes';
import { NOT_ANALOG } from '../../shared/model/mac-batch';
import type { RunStore } from './run-store';

const VERSION = 1;
const FLAG_DEFLATED = 1;
const HEADER = 16;
const SUMS = { zero: 0, int32: 1, float64: 2 } as const;
const CODES = { masked8: 0, masked16: 1, raw16: 2 } as const;
const pad8 = (n: number) => (n + 7) & ~7;

/** The payload as an 8-byte-aligned array, inflated when the blob is deflated. */
function payloadOf(blob: Uint8Array): Uint8Array {
  if (blob[0] !== VERSION) throw new Error(`a result block in format ${blob[0]}: this app reads format ${VERSION}`);
  const body = blob.subarray(2);
  // one output chunk as large as a block's payload is likely to be: no gathering and concatenating of 16 KiB chunks
  const raw = (blob[1] as number) & FLAG_DEFLATED ? inflateRawSync(body, { chunkSize: Math.max(64 * 1024, body.length * 4) }) : body;
  return raw.byteOffset % 8 === 0 ? raw : new Uint8Array(raw);
}

/** A block's measured values with its codes plane by plane (PlaneCodes), decoded from its blob. */
export function decodePlanes(blob: Uint8Array): PlaneCodes {
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
  const sums = (kind: number): Int32Array | Float64Array => {
    let a: Int32Array | Float64Array;
    if (kind === SUMS.int32) a = new Int32Array(out.buffer, at, macs);
    else if (kind === SUMS.float64) a = new Float64Array(out.buffer, at, macs);
    else a = new Int32Array(macs);
    at += kind === SUMS.zero ? 0 : pad8(macs * (kind === SUMS.int32 ? 4 : 8));
    return a;
  };
  const digital = sums(dKind);
  const saliency = sums(sKind);
  let level: Uint8Array;
  if (levelsStored) {
    level = new Uint8Array(out.buffer, at, macs);
    at += pad8(macs);
  } else level = new Uint8Array(macs);
  if (cKind === CODES.raw16) return { macs, planes, digital, saliency, level, ...rawPlanes(new Int16Array(out.buffer, at, macs * planes), macs, planes) };
  // the MACs of each set of levels a plane is analog at, in MAC order: the order of its codes
  const perLevel = new Int32Array(nMasks);
  for (let mac = 0; mac < macs; mac++) perLevel[level[mac] as number]!++;
  const lists = new Map<string, Int32Array>();
  const index: Int32Array[] = [];
  const values: (Uint8Array | Uint16Array)[] = [];
  const levelSets: string[] = [];
  let start = 0;
  const wide = cKind === CODES.masked16;
  const all = wide ? new Uint16Array(out.buffer, at, (out.byteOffset + out.byteLength - at) >> 1) : new Uint8Array(out.buffer, at, out.byteOffset + out.byteLength - at);
  for (let p = 0; p < planes; p++) {
    const analog: number[] = [];
    let n = 0;
    for (let l = 0; l < nMasks; l++) {
      if ((masks[l] as Uint8Array)[p] === 1) {
        analog.push(l);
        n += perLevel[l] as number;
      }
    }
    const key = analog.join(',');
    let list = lists.get(key);
    if (!list) {
      list = macsAtLevels(level, macs, analog, nMasks, n);
      lists.set(key, list);
    }
    index.push(list);
    levelSets.push(key);
    values.push(all.subarray(start, start + n));
    start += n;
  }
  return { macs, planes, digital, saliency, level, index, values, levelSets };
}

function macsAtLevels(level: Uint8Array, macs: number, analog: readonly number[], levels: number, n: number): Int32Array {
  const list = new Int32Array(n);
  if (n === 0) return list;
  const take = new Uint8Array(Math.max(256, levels));
  for (const l of analog) take[l] = 1;
  let k = 0;
  for (let mac = 0; mac < macs; mac++) if (take[level[mac] as number] === 1) list[k++] = mac;
  return list;
}

/** A block kept as raw int16 (it fits no level's mask): each plane's analog MACs found by scanning. */
function rawPlanes(codes: Int16Array, macs: number, planes: number): { index: Int32Array[]; values: Int16Array[] } {
  const index: Int32Array[] = [];
  const values: Int16Array[] = [];
  for (let p = 0; p < planes; p++) {
    let n = 0;
    for (let mac = 0; mac < macs; mac++) if (codes[mac * planes + p] !== NOT_ANALOG) n++;
    const list = new Int32Array(n);
    const v = new Int16Array(n);
    let k = 0;
    for (let mac = 0; mac < macs; mac++) {
      const c = codes[mac * planes + p] as number;
      if (c === NOT_ANALOG) continue;
      list[k] = mac;
      v[k++] = c;
    }
    index.push(list);
    values.push(v);
  }
  return { index, values };
}

/** A run's blocks [fromBlock, toBlock) plane by plane, in order, one at a time. */
export function* planeBlocks(store: RunStore, runId: number, fromBlock = 0, toBlock = Number.MAX_SAFE_INTEGER): Generator<PlaneCodes & { block: number }> {
  const rows = store.db
    .prepare(`SELECT block, data FROM result_blocks WHERE run_id = ? AND block >= ? AND block < ? ORDER BY block`)
    .iterate(runId, fromBlock, toBlock) as IterableIterator<{ block: number; data: Buffer }>;
  for (const r of rows) yield { block: r.block, ...decodePlanes(r.data) };
}
