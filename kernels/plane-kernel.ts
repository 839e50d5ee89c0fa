// The die model's inner loop as a WebAssembly kernel (AssemblyScript), for shared/model/wasm-evaluator.ts.
//
// The host lays out all memory, writes a header of i32 slots at HEADER (see the Slot enum) and calls
// evaluate(). Plane popcounts use the same four-Russians tables as the JavaScript model, but hold
// one 8-bit counter per column (a chunk of at most 8 rows sums to at most 8): one table row is one
// cache line for 64 columns and one SIMD add takes 16 columns. The 8-bit sums are widened into
// 16-bit counters before they can overflow, and nothing is unpacked.
//
// Returns -1, or v * rows + r for the first input x[v][r] outside 0..2^BX-1.

const HEADER: usize = 1024;

enum Slot {
  Rows, Outputs, InputBits, WeightBits, ChunkRows, Chunks, ColsPadded, Planes,
  Table, Pattern, Acc, PlaneWeight, PlaneOffset, IdealCode, Thresholds, ThresholdCount,
  Salient, SalientCount, PlaneOrder, LevelCounts, LevelEnergy, FixedLevel, InputMask, AdcTop,
  Vectors, Count, OutExact, OutDigital, OutAnalog, OutYhat, OutSaliency, OutLevel,
  OutDigitalPlanes, OutAnalogPlanes, OutSkippedPlanes, OutEnergy, OutCodes,
}

@inline function slot(s: Slot): i32 {
  return load<i32>(HEADER + (<usize>s << 2));
}

@inline function ptr(s: Slot): usize {
  return <usize>load<i32>(HEADER + (<usize>s << 2));
}

export function evaluate(): i32 {
  const rows = slot(Slot.Rows);
  const outputs = slot(Slot.Outputs);
  const bx = slot(Slot.InputBits);
  const bw = slot(Slot.WeightBits);
  const chunkRows = slot(Slot.ChunkRows);
  const chunks = slot(Slot.Chunks);
  const colsPadded = slot(Slot.ColsPadded);
  const planes = slot(Slot.Planes);
  const table = ptr(Slot.Table);
  const pattern = ptr(Slot.Pattern);
  const acc = ptr(Slot.Acc);
  const planeWeight = ptr(Slot.PlaneWeight);
  const planeOffset = ptr(Slot.PlaneOffset);
  const idealCode = ptr(Slot.IdealCode);
  const thresholds = ptr(Slot.Thresholds);
  const thresholdCount = slot(Slot.ThresholdCount);
  const salient = ptr(Slot.Salient);
  const salientCount = slot(Slot.SalientCount);
  const planeOrder = ptr(Slot.PlaneOrder);
  const levelCounts = ptr(Slot.LevelCounts);
  const levelEnergy = ptr(Slot.LevelEnergy);
  const fixedLevel = slot(Slot.FixedLevel);
  const inputMask = slot(Slot.InputMask);
  const adcTop = <f64>slot(Slot.AdcTop);
  const vectors = ptr(Slot.Vectors);
  const count = slot(Slot.Count);
  const outExact = ptr(Slot.OutExact);
  const outDigital = ptr(Slot.OutDigital);
  const outAnalog = ptr(Slot.OutAnalog);
  const outYhat = ptr(Slot.OutYhat);
  const outSaliency = ptr(Slot.OutSaliency);
  const outLevel = ptr(Slot.OutLevel);
  const outDigitalPlanes = ptr(Slot.OutDigitalPlanes);
  const outAnalogPlanes = ptr(Slot.OutAnalogPlanes);
  const outSkippedPlanes = ptr(Slot.OutSkippedPlanes);
  const outEnergy = ptr(Slot.OutEnergy);
  const outCodes = ptr(Slot.OutCodes);

  const patterns = 1 << chunkRows;
  const tableRowBytes = <usize>colsPadded;
  const blocks = colsPadded >> 4;
  const flushEvery = 255 / chunkRows;
  // the SIMD packing needs byte-wide inputs and chunks of exactly 8 rows
  const simdPack = chunkRows == 8 && bx <= 8;
  const maskSplat = i32x4.splat(inputMask); // chunks an 8-bit counter can take before it must be widened
  const rowsF = <f64>rows;

  for (let v = 0; v < count; v++) {
    // 1. bit-pack each input plane into one pattern per chunk of rows
    const vec = vectors + ((<usize>v * <usize>rows) << 2);
    memory.fill(pattern, 0, <usize>(bx * chunks));
    let r = 0;
    if (simdPack) {
      // 16 rows at a time: narrow to bytes, then shift bit i of every byte to its top and take
      // the bitmask: the patterns of plane i for two chunks of 8 rows, in two instructions
      for (; r + 16 <= rows; r += 16) {
        const at = vec + (<usize>r << 2);
        const x0 = v128.load(at);
        const x1 = v128.load(at, 16);
        const x2 = v128.load(at, 32);
        const x3 = v128.load(at, 48);
        const outOfRange = v128.and(v128.or(v128.or(x0, x1), v128.or(x2, x3)), maskSplat);
        if (v128.any_true(outOfRange)) break; // the scalar loop below finds and reports the row
        const bytes = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(x0, x1), i16x8.narrow_i32x4_u(x2, x3));
        const dst = pattern + <usize>(r >> 3);
        for (let i = 0; i < bx; i++) {
          store<u16>(dst + <usize>(i * chunks), <u16>i8x16.bitmask(i8x16.shl(bytes, 7 - i)));
        }
      }
    }
    for (; r < rows; r++) {
      let x = load<i32>(vec + (<usize>r << 2));
      if (x == 0) continue;
      if ((x & inputMask) != 0) return v * rows + r;
      const c = r / chunkRows;
      const bit: i32 = 1 << (r - c * chunkRows);
      let at = pattern + <usize>c;
      while (x != 0) {
        if ((x & 1) != 0) store<u8>(at, <u8>(<i32>load<u8>(at) | bit));
        x >>>= 1;
        at += <usize>chunks;
      }
    }
    // 2. plane popcounts: one table row per non-zero pattern, sixteen 8-bit columns per add, four
    //    blocks of 16 columns per pass (one pattern load feeds 64 columns), widened into 16-bit
    //    counters every `flushEvery` chunks
    for (let i = 0; i < bx; i++) {
      const patternRow = pattern + <usize>(i * chunks);
      const accRow = acc + <usize>(i * colsPadded) * 2;
      for (let b = 0; b < blocks; b += 4) {
        const blockOffset = <usize>b << 4;
        const n = min(4, blocks - b);
        let w0 = i16x8.splat(0), w1 = i16x8.splat(0), w2 = i16x8.splat(0), w3 = i16x8.splat(0);
        let w4 = i16x8.splat(0), w5 = i16x8.splat(0), w6 = i16x8.splat(0), w7 = i16x8.splat(0);
        let c = 0;
        while (c < chunks) {
          const stop = min(chunks, c + flushEvery);
          let a0 = i8x16.splat(0), a1 = i8x16.splat(0), a2 = i8x16.splat(0), a3 = i8x16.splat(0);
          for (; c < stop; c++) {
            const p = <i32>load<u8>(patternRow + <usize>c);
            if (p == 0) continue;
            const row = table + <usize>(c * patterns + p) * tableRowBytes + blockOffset;
            a0 = i8x16.add(a0, v128.load(row));
            if (n > 1) a1 = i8x16.add(a1, v128.load(row, 16));
            if (n > 2) a2 = i8x16.add(a2, v128.load(row, 32));
            if (n > 3) a3 = i8x16.add(a3, v128.load(row, 48));
          }
          w0 = i16x8.add(w0, i16x8.extend_low_i8x16_u(a0));
          w1 = i16x8.add(w1, i16x8.extend_high_i8x16_u(a0));
          w2 = i16x8.add(w2, i16x8.extend_low_i8x16_u(a1));
          w3 = i16x8.add(w3, i16x8.extend_high_i8x16_u(a1));
          w4 = i16x8.add(w4, i16x8.extend_low_i8x16_u(a2));
          w5 = i16x8.add(w5, i16x8.extend_high_i8x16_u(a2));
          w6 = i16x8.add(w6, i16x8.extend_low_i8x16_u(a3));
          w7 = i16x8.add(w7, i16x8.extend_high_i8x16_u(a3));
        }
        const out = accRow + (blockOffset << 1);
        v128.store(out, w0);
        v128.store(out, w1, 16);
        if (n > 1) { v128.store(out, w2, 32); v128.store(out, w3, 48); }
        if (n > 2) { v128.store(out, w4, 64); v128.store(out, w5, 80); }
        if (n > 3) { v128.store(out, w6, 96); v128.store(out, w7, 112); }
      }
    }
    // 3. each MAC: saliency and level (osa), then its planes in digital / analog / skipped order
    for (let m = 0; m < outputs; m++) {
      const mac = <usize>(v * outputs + m);
      const base = acc + <usize>(m * bw) * 2;
      let level = fixedLevel;
      if (level < 0) {
        let s: f64 = 0;
        for (let q = 0; q < salientCount; q++) {
          const p = <usize>load<i32>(salient + (<usize>q << 2));
          s += load<f64>(planeWeight + (p << 3)) * <f64>load<u16>(base + <usize>load<i32>(planeOffset + (p << 2)));
        }
        level = 0;
        while (level < thresholdCount && s > load<f64>(thresholds + (<usize>level << 3))) level++;
        store<f64>(outSaliency + (mac << 3), s);
        store<u8>(outLevel + mac, <u8>level);
      }
      const order = planeOrder + (<usize>(level * planes) << 2);
      const counts = levelCounts + (<usize>(level * 3) << 2);
      const nDigital = load<i32>(counts);
      const nAnalog = load<i32>(counts, 4);
      const nSkipped = load<i32>(counts, 8);
      let dig: f64 = 0;
      let ana: f64 = 0;
      let rest: f64 = 0;
      const codes = outCodes != 0 ? outCodes + ((mac * <usize>planes) << 1) : 0;
      if (codes != 0) memory.fill(codes, 0xff, <usize>planes << 1);
      let q = 0;
      for (; q < nDigital; q++) {
        const p = <usize>load<i32>(order + (<usize>q << 2));
        dig += load<f64>(planeWeight + (p << 3)) * <f64>load<u16>(base + <usize>load<i32>(planeOffset + (p << 2)));
      }
      const endAnalog = nDigital + nAnalog;
      for (; q < endAnalog; q++) {
        const p = <usize>load<i32>(order + (<usize>q << 2));
        const n = <usize>load<u16>(base + <usize>load<i32>(planeOffset + (p << 2)));
        const w = load<f64>(planeWeight + (p << 3));
        const code = load<i32>(idealCode + (n << 2));
        ana += w * <f64>code;
        rest += w * <f64>n;
        if (codes != 0) store<i16>(codes + (p << 1), <i16>code);
      }
      const end = endAnalog + nSkipped;
      for (; q < end; q++) {
        const p = <usize>load<i32>(order + (<usize>q << 2));
        rest += load<f64>(planeWeight + (p << 3)) * <f64>load<u16>(base + <usize>load<i32>(planeOffset + (p << 2)));
      }
      store<f64>(outExact + (mac << 3), dig + rest);
      store<f64>(outDigital + (mac << 3), dig);
      store<f64>(outAnalog + (mac << 3), ana);
      store<f64>(outYhat + (mac << 3), dig + (ana * rowsF) / adcTop);
      store<u16>(outDigitalPlanes + (mac << 1), <u16>nDigital);
      store<u16>(outAnalogPlanes + (mac << 1), <u16>nAnalog);
      store<u16>(outSkippedPlanes + (mac << 1), <u16>nSkipped);
      store<f64>(outEnergy + (mac << 3), load<f64>(levelEnergy + (<usize>level << 3)));
    }
  }
  return -1;
}
