// Host of the WebAssembly kernel (kernels/plane-kernel.ts): lays out its memory, builds the
// four-Russians tables with one 8-bit counter per column, and runs vectors through it in
// sub-batches that fit the memory. Returns null where WebAssembly SIMD is not available.
import type { PlaneGeometry } from './geometry';
import type { LevelPlans } from './level-plans';
import type { MacBatch, MacKernel } from './mac-batch';
import type { IntMatrix } from './matrix';
import { PLANE_KERNEL_WASM } from './plane-kernel-wasm';
import type { DieProfile } from './profile';
import { chunkRowsWithin, fillSubsetSums } from './subset-sums';

// The part of the WebAssembly JS API used here (shared/ is typed without DOM lib, which declares it).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: { evaluate(): number } };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}

const HEADER = 1024;
const FIRST_REGION = 65536;
const PAGE = 65536;
/** Header slots, in the order of the kernel's Slot enum, eight a line (Prettier would put one a line). */
// prettier-ignore
const SLOTS = [
  'rows', 'outputs', 'inputBits', 'weightBits', 'chunkRows', 'chunks', 'colsPadded', 'planes',
  'table', 'pattern', 'acc', 'planeWeight', 'planeOffset', 'idealCode', 'thresholds', 'thresholdCount',
  'salient', 'salientCount', 'planeOrder', 'levelCounts', 'levelEnergy', 'fixedLevel', 'inputMask', 'adcTop',
  'vectors', 'count', 'outExact', 'outDigital', 'outAnalog', 'outYhat', 'outSaliency', 'outLevel',
  'outDigitalPlanes', 'outAnalogPlanes', 'outSkippedPlanes', 'outEnergy', 'outCodes',
] as const;
type Slot = (typeof SLOTS)[number];

/** Table budget in bytes; above it the chunks of rows get narrower. */
const TABLE_BUDGET = 4 * 1024 * 1024;
/** Bytes of vectors and outputs per sub-batch. */
const SUB_BATCH_BUDGET = 4 * 1024 * 1024;

let compiled: object | null | undefined;

function wasmApi(): WasmApi | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return api ?? null;
}

/** The compiled kernel, once per process; null where WebAssembly or its SIMD is missing. */
function kernelModule(): object | null {
  if (compiled === undefined) {
    try {
      const api = wasmApi();
      compiled = api ? new api.Module(PLANE_KERNEL_WASM) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

export function wasmKernelAvailable(): boolean {
  return kernelModule() !== null;
}

export interface WasmKernelOptions {
  /** force a chunk width (1..8) */
  readonly chunkRows?: number;
}

export function createWasmKernel(
  profile: DieProfile,
  geometry: PlaneGeometry,
  weights: IntMatrix,
  salientPlanes: Int32Array,
  options: WasmKernelOptions = {},
): MacKernel | null {
  const api = wasmApi();
  const module = kernelModule();
  if (!api || !module) return null;

  const { rows, outputs, inputBits: bx, weightBits: bw } = profile;
  const { planes } = geometry;
  const columns = outputs * bw;
  const colsPadded = Math.ceil(columns / 16) * 16;
  const chunkRows = chunkRowsWithin(rows, colsPadded, TABLE_BUDGET, 8, options.chunkRows); // one byte per entry
  const chunks = Math.ceil(rows / chunkRows);
  const patterns = 2 ** chunkRows;
  const maxLevels = profile.levels.length + 1;
  const perVector = rows * 4 + outputs * (6 * 8 + 1 + 3 * 2) + outputs * planes * 2;
  const subBatch = Math.max(1, Math.min(4096, Math.floor(SUB_BATCH_BUDGET / perVector)));

  // memory layout: each region 16-byte aligned (the table is read with v128 loads)
  let top = FIRST_REGION;
  const region = (bytes: number) => {
    const at = top;
    top += Math.ceil(Math.max(bytes, 16) / 16) * 16;
    return at;
  };
  const at: Record<Slot, number> = Object.fromEntries(SLOTS.map((s) => [s, 0])) as Record<Slot, number>;
  at.table = region(chunks * patterns * colsPadded);
  at.pattern = region(bx * chunks);
  at.acc = region(bx * colsPadded * 2);
  at.planeWeight = region(planes * 8);
  at.planeOffset = region(planes * 4);
  at.idealCode = region((rows + 1) * 4);
  at.thresholds = region(profile.thresholds.length * 8);
  at.salient = region(salientPlanes.length * 4);
  at.planeOrder = region(maxLevels * planes * 4);
  at.levelCounts = region(maxLevels * 3 * 4);
  at.levelEnergy = region(maxLevels * 8);
  at.vectors = region(subBatch * rows * 4);
  const macs = subBatch * outputs;
  at.outExact = region(macs * 8);
  at.outDigital = region(macs * 8);
  at.outAnalog = region(macs * 8);
  at.outYhat = region(macs * 8);
  at.outSaliency = region(macs * 8);
  at.outEnergy = region(macs * 8);
  at.outLevel = region(macs);
  at.outDigitalPlanes = region(macs * 2);
  at.outAnalogPlanes = region(macs * 2);
  at.outSkippedPlanes = region(macs * 2);
  const codesRegion = region(macs * planes * 2);

  const memory = new api.Memory({ initial: Math.ceil(top / PAGE) });
  const instance = new api.Instance(module, { env: { memory } });
  const buffer = memory.buffer;
  const header = new Int32Array(buffer, HEADER, SLOTS.length);
  const set = (slot: Slot, value: number) => {
    header[SLOTS.indexOf(slot)] = value;
  };

  // constant parts of the header and the tables
  Object.entries({ rows, outputs, inputBits: bx, weightBits: bw, chunkRows, chunks, colsPadded, planes }).forEach(([k, v]) => set(k as Slot, v));
  for (const s of SLOTS) if (at[s] !== 0) set(s, at[s]);
  set('thresholdCount', profile.thresholds.length);
  set('salientCount', salientPlanes.length);
  set('inputMask', ~(2 ** bx - 1));
  set('adcTop', geometry.adcTop);
  new Float64Array(buffer, at.planeWeight, planes).set(geometry.planeWeight);
  new Int32Array(buffer, at.planeOffset, planes).set(Int32Array.from({ length: planes }, (_, p) => (Math.floor(p / bw) * colsPadded + (p % bw)) * 2));
  new Int32Array(buffer, at.idealCode, rows + 1).set(geometry.idealCode);
  new Float64Array(buffer, at.thresholds, profile.thresholds.length).set(profile.thresholds);
  new Int32Array(buffer, at.salient, salientPlanes.length).set(salientPlanes);
  buildTable(new Uint8Array(buffer, at.table, chunks * patterns * colsPadded), weights, profile, chunkRows, colsPadded);

  const views = {
    vectors: new Int32Array(buffer, at.vectors, subBatch * rows),
    exact: new Float64Array(buffer, at.outExact, macs),
    digital: new Float64Array(buffer, at.outDigital, macs),
    analog: new Float64Array(buffer, at.outAnalog, macs),
    yhat: new Float64Array(buffer, at.outYhat, macs),
    saliency: new Float64Array(buffer, at.outSaliency, macs),
    energyPj: new Float64Array(buffer, at.outEnergy, macs),
    level: new Uint8Array(buffer, at.outLevel, macs),
    nDigital: new Uint16Array(buffer, at.outDigitalPlanes, macs),
    nAnalog: new Uint16Array(buffer, at.outAnalogPlanes, macs),
    nSkipped: new Uint16Array(buffer, at.outSkippedPlanes, macs),
    codes: new Int16Array(buffer, codesRegion, macs * planes),
  };

  function run(vectors: Int32Array, count: number, plans: LevelPlans, fixedLevel: number, out: MacBatch): number {
    new Int32Array(buffer, at.planeOrder, plans.planeOrder.length).set(plans.planeOrder);
    const counts = new Int32Array(buffer, at.levelCounts, plans.levels * 3);
    for (let l = 0; l < plans.levels; l++) counts.set([plans.nDigital[l] as number, plans.nAnalog[l] as number, plans.nSkipped[l] as number], l * 3);
    new Float64Array(buffer, at.levelEnergy, plans.levels).set(plans.energyPj);
    set('fixedLevel', fixedLevel);
    set('outCodes', out.codes ? codesRegion : 0);

    for (let start = 0; start < count; start += subBatch) {
      const n = Math.min(subBatch, count - start);
      views.vectors.set(vectors.subarray(start * rows, (start + n) * rows));
      set('count', n);
      const bad = instance.exports.evaluate();
      if (bad >= 0) return start * rows + bad;
      const k = n * outputs;
      const o = start * outputs;
      out.exact.set(views.exact.subarray(0, k), o);
      out.digital.set(views.digital.subarray(0, k), o);
      out.analog.set(views.analog.subarray(0, k), o);
      out.yhat.set(views.yhat.subarray(0, k), o);
      out.energyPj.set(views.energyPj.subarray(0, k), o);
      out.nDigital.set(views.nDigital.subarray(0, k), o);
      out.nAnalog.set(views.nAnalog.subarray(0, k), o);
      out.nSkipped.set(views.nSkipped.subarray(0, k), o);
      if (fixedLevel < 0) {
        out.saliency.set(views.saliency.subarray(0, k), o);
        out.level.set(views.level.subarray(0, k), o);
      }
      if (out.codes) out.codes.set(views.codes.subarray(0, k * planes), o * planes);
    }
    return -1;
  }

  return { name: 'wasm', run };
}

/** table[(c * 2^chunkRows + pattern) * colsPadded + m * BW + j] = sum of weight bit j of output m over the rows the pattern selects. */
function buildTable(table: Uint8Array, weights: IntMatrix, profile: DieProfile, chunkRows: number, colsPadded: number): void {
  const { rows, outputs, weightBits: bw } = profile;
  fillSubsetSums(
    table,
    Math.ceil(rows / chunkRows),
    chunkRows,
    colsPadded,
    (r, rowBits) => {
      if (r >= rows) return;
      for (let m = 0; m < outputs; m++) {
        const w = weights.data[r * outputs + m] as number;
        for (let j = 0; j < bw; j++) rowBits[m * bw + j] = (w >> j) & 1;
      }
    },
    new Uint8Array(colsPadded),
  );
}
