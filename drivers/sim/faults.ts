// Faults a simulated board can be told to have, for tests and demos. A spec is a comma list:
//   corrupt=R          flip one character of a line with probability R, in either direction
//   drop=R             lose a line with probability R, in either direction
//   corrupt-bytes=R    flip each byte of a line to another printable character with probability R,
//                      in either direction (a noisy wire: long lines are hit more often)
//   hang-after=N       stop answering after N received lines (the link stays up)
//   disconnect-after=N close the link after N received lines
//   reboot-after=N     reboot (lose all state, send ! BOOT) after N received lines
//   seed=S             seed of the fault draws (default 1)
import { z } from 'zod';
import { createPrng, type Prng } from '../../shared/workload/prng';

export interface FaultSpec {
  readonly corrupt: number;
  readonly drop: number;
  /** per-byte corruption rate; absent means none */
  readonly corruptBytes?: number;
  readonly hangAfter: number | null;
  readonly disconnectAfter: number | null;
  readonly rebootAfter: number | null;
  readonly seed: number;
}

export const NO_FAULTS: FaultSpec = { corrupt: 0, drop: 0, hangAfter: null, disconnectAfter: null, rebootAfter: null, seed: 1 };

const rate = z.coerce.number().min(0).max(1);
const count = z.coerce.number().int().min(0);
const specSchema = z.strictObject({
  corrupt: rate.default(0),
  drop: rate.default(0),
  'corrupt-bytes': rate.optional(),
  'hang-after': count.optional(),
  'disconnect-after': count.optional(),
  'reboot-after': count.optional(),
  seed: count.default(1),
});

export class FaultSpecError extends Error {
  readonly field = 'faults';
  constructor(message: string) {
    super(`faults: ${message}`);
    this.name = 'FaultSpecError';
  }
}

export function parseFaultSpec(text: string): FaultSpec {
  const entries: Record<string, string> = {};
  const parts = text.split(',').map((s) => s.trim());
  for (const part of parts.filter((s) => s !== '')) {
    const [k, v] = part.split('=');
    if (k === undefined || v === undefined || v === '') throw new FaultSpecError(`'${part}' is not key=value`);
    // a second value would silently win: refuse it, so a typo'd spec never runs as another one
    if (k in entries) throw new FaultSpecError(`'${k}' is given twice`);
    entries[k] = v;
  }
  const unknown = Object.keys(entries).filter((k) => !(k in specSchema.shape));
  if (unknown.length > 0) throw new FaultSpecError(`unknown fault(s) ${unknown.join(', ')}; known: ${Object.keys(specSchema.shape).join(', ')}`);
  const r = specSchema.safeParse(entries);
  if (!r.success) throw new FaultSpecError(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const d = r.data;
  return {
    corrupt: d.corrupt,
    drop: d.drop,
    ...(d['corrupt-bytes'] !== undefined ? { corruptBytes: d['corrupt-bytes'] } : {}),
    hangAfter: d['hang-after'] ?? null,
    disconnectAfter: d['disconnect-after'] ?? null,
    rebootAfter: d['reboot-after'] ?? null,
    seed: d.seed,
  };
}

/** Applies a spec's corruption and loss to lines; counts received lines for the N-after faults. */
export class FaultInjector {
  private readonly rng: Prng;
  /** ln(1 - corrupt-bytes), for the geometric gaps between hit bytes; 0 when off */
  private readonly logKeep: number;
  received = 0;

  constructor(readonly spec: FaultSpec) {
    this.rng = createPrng(spec.seed, 7);
    const r = spec.corruptBytes ?? 0;
    this.logKeep = r > 0 ? Math.log1p(-r) : 0;
  }

  /** The line as the wire delivers it, or null when lost. */
  pass(line: string): string | null {
    if (this.spec.drop > 0 && this.rng.nextFloat() < this.spec.drop) return null;
    if (this.spec.corrupt > 0 && line.length > 0 && this.rng.nextFloat() < this.spec.corrupt) {
      const at = this.rng.nextInt(0, line.length - 1);
      const old = line.charCodeAt(at);
      let ch = old;
      while (ch === old) ch = this.rng.nextInt(0x21, 0x7e);
      line = line.slice(0, at) + String.fromCharCode(ch) + line.slice(at + 1);
    }
    return this.logKeep < 0 ? this.corruptBytes(line) : line;
  }

  /**
   * Each byte hit independently with probability R. The gap before the next hit is geometric, so
   * one draw per hit, not per byte: an 8 KB line at 1e-5 costs about one draw.
   */
  private corruptBytes(line: string): string {
    let out = line;
    for (let at = this.gap(); at < line.length; at += 1 + this.gap()) {
      const old = out.charCodeAt(at);
      let ch = old;
      while (ch === old) ch = this.rng.nextInt(0x20, 0x7e);
      out = out.slice(0, at) + String.fromCharCode(ch) + out.slice(at + 1);
    }
    return out;
  }

  /** Bytes passed unharmed before the next hit: P(k) = (1-R)^k R. */
  private gap(): number {
    // 1 - U is in (0, 1]: the log stays finite; R = 1 gives log1p(-1) = -Infinity and a gap of 0
    return Math.floor(Math.log(1 - this.rng.nextFloat()) / this.logKeep);
  }
}
