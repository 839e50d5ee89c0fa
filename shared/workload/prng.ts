// The project's seeded PRNG: xoshiro128** (Blackman & Vigna), seeded through splitmix32.
// Only 32-bit integer arithmetic (Math.imul, shifts), so a seed gives the same stream on every
// machine and JavaScript engine. Normal deviates use Box-Muller, whose Math.log/Math.cos are
// V8's portable fdlibm ports: identical across machines under Node and Chromium.

export interface Prng {
  /** next uniform 32-bit unsigned integer */
  nextUint32(): number;
  /** uniform in [0, 1) with 53 random bits */
  nextFloat(): number;
  /** uniform integer in lo..hi inclusive */
  nextInt(lo: number, hi: number): number;
  /** standard normal deviate */
  nextNormal(): number;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A stream for `seed` (an integer 0..2^53-1) and a `stream` number, so that independent parts of
 * a workload (weights, vectors) never share draws: changing the vector count leaves the weights alone.
 */
export function createPrng(seed: number, stream = 0): Prng {
  const nextUint32 = xoshiro128StarStar(...seedState(seed, stream));
  const nextFloat = (): number => ((nextUint32() >>> 5) * 67108864 + (nextUint32() >>> 6)) / 9007199254740992;
  let spare: number | null = null;
  return {
    nextUint32,
    nextFloat,
    nextInt: (lo, hi) => lo + Math.floor(nextFloat() * (hi - lo + 1)),
    nextNormal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      const u1 = 1 - nextFloat(); // (0, 1]: log stays finite
      const u2 = nextFloat();
      const r = Math.sqrt(-2 * Math.log(u1));
      spare = r * Math.sin(2 * Math.PI * u2);
      return r * Math.cos(2 * Math.PI * u2);
    },
  };
}

/** The 128-bit starting state of the stream for `seed` and `stream` (before the all-zero guard). */
export function seedState(seed: number, stream: number): [number, number, number, number] {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be an integer in 0..2^53-1, got ${seed}`);
  const hi = Math.floor(seed / 2 ** 32);
  const mix = splitmix32((seed >>> 0) ^ Math.imul(hi, 0x9e3779b1) ^ Math.imul(stream + 1, 0x632be5ab));
  return [mix(), mix(), mix(), mix()];
}

/** The generator on a raw 128-bit state (a, b, c, d), as in the reference C code. */
export function xoshiro128StarStar(a: number, b: number, c: number, d: number): () => number {
  if ((a | b | c | d) === 0) a = 1; // the all-zero state is a fixed point
  return () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
