// Faults a simulated board can be told to have, for tests and demos. A spec is a comma list:
//   corrupt=R          flip one character of a line with probability R, in either direction
//   drop=R             lose a line with probability R, in either direction
//   hang-after=N       stop answering after N received lines (the link stays up)
//   disconnect-after=N close the link after N received lines
//   reboot-after=N     reboot (lose all state, send ! BOOT) after N received lines
//   seed=S             seed of the fault draws (default 1)
import { z } from 'zod';
import { createPrng, type Prng } from '../../shared/workload/prng';

export interface FaultSpec {
  readonly corrupt: number;
  readonly drop: number;
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
  'hang-after': count.optional(),
  'disconnect-after': count.optional(),
  'reboot-after': count.optional(),
  seed: count.default(1),
});

export class FaultSpecError extends Error {
  constructor(message: string) {
    super(`--faults: ${message}`);
    this.name = 'FaultSpecError';
  }
}

export function parseFaultSpec(text: string): FaultSpec {
  const entries: Record<string, string> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const [k, v] = part.split('=');
    if (k === undefined || v === undefined || v === '') throw new FaultSpecError(`'${part}' is not key=value`);
    entries[k] = v;
  }
  const unknown = Object.keys(entries).filter((k) => !(k in specSchema.shape));
  if (unknown.length > 0) throw new FaultSpecError(`unknown fault(s) ${unknown.join(', ')}; known: ${Object.keys(specSchema.shape).join(', ')}`);
  const r = specSchema.safeParse(entries);
  if (!r.success) throw new FaultSpecError(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const d = r.data;
  return { corrupt: d.corrupt, drop: d.drop, hangAfter: d['hang-after'] ?? null, disconnectAfter: d['disconnect-after'] ?? null, rebootAfter: d['reboot-after'] ?? null, seed: d.seed };
}

/** Applies a spec's corruption and loss to lines; counts received lines for the N-after faults. */
export class FaultInjector {
  private readonly rng: Prng;
  received = 0;

  constructor(readonly spec: FaultSpec) {
    this.rng = createPrng(spec.seed, 7);
  }

  /** The line as the wire delivers it, or null when lost. */
  pass(line: string): string | null {
    if (this.spec.drop > 0 && this.rng.nextFloat() < this.spec.drop) return null;
    if (this.spec.corrupt > 0 && line.length > 0 && this.rng.nextFloat() < this.spec.corrupt) {
      const at = this.rng.nextInt(0, line.length - 1);
      const old = line.charCodeAt(at);
      let ch = old;
      while (ch === old) ch = this.rng.nextInt(0x21, 0x7e);
      return line.slice(0, at) + String.fromCharCode(ch) + line.slice(at + 1);
    }
    return line;
  }
}
