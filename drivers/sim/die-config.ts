// A simulated die's configuration: its identity, its die profile and the silicon effects of spec
// section 4, every random one drawn from the die seed so that a die is reproducible.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseJsonText } from '../../shared/io/json-text';
import { parseBoardDieProfile, type DieProfile } from '../../shared/model/profile';
import type { Rail } from '../../shared/protocol/payloads';

const fraction = z.number().min(0).max(0.5);
const mw = z.number().min(0).max(1000);

export const dieConfigSchema = z.strictObject({
  dieId: z
    .string()
    .regex(/^[\x21-\x2b\x2d-\x7e]{1,40}$/, 'printable, no spaces or commas')
    .default('SIM-DIE-0001'),
  serial: z
    .string()
    .regex(/^[\x21-\x2b\x2d-\x7e]{1,40}$/, 'printable, no spaces or commas')
    .default('SIM-0001'),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(1),
  /** a die profile (docs/model.md), checked by its own parser for its messages */
  profile: z.unknown().default({}),
  /** ADC input noise sigma, as a fraction of full scale */
  adcNoise: fraction.default(0.002),
  /** per-column gain mismatch sigma (gain ~ Normal(1, sigma)) */
  columnGainSigma: fraction.default(0.005),
  /** per-column offset sigma, fraction of full scale */
  columnOffsetSigma: fraction.default(0.001),
  /** stuck-at SRAM cells: row, physical column m * BW + j, stuck value */
  stuckCells: z.array(z.strictObject({ row: z.number().int().min(0), column: z.number().int().min(0), value: z.union([z.literal(0), z.literal(1)]) })).default([]),
  /** sigma of the per-rail process factor on dynamic energy */
  processSigma: fraction.default(0.05),
  /** leakage per rail at 25 C, milliwatts; doubles every 20 C */
  leakageMw: z.strictObject({ VDD_DIG: mw, VDD_ANA: mw, VDD_SRAM: mw }).default({ VDD_DIG: 0.06, VDD_ANA: 0.02, VDD_SRAM: 0.09 }),
  /** energy drawn from VDD_SRAM per vector (word-line and precharge), pJ */
  sramPjPerVector: z.number().min(0).max(1e6).default(4),
  /** relative sigma of the rail power measurement */
  powerNoise: fraction.default(0.01),
  ambientC: z.number().min(-55).max(150).default(25),
  /** die temperature rise per milliwatt of total power */
  thermalCPerMw: z.number().min(0).max(100).default(0.8),
  /** board memories and the request window it advertises */
  // the host double-buffers the vector memory: two batches of at least one vector each
  vectorCapacity: z
    .number()
    .int()
    .min(2, 'must be at least 2 (the host double-buffers the vector memory)')
    .max(1 << 22)
    .default(65536),
  resultCapacity: z
    .number()
    .int()
    .min(1)
    .max(1 << 22)
    .default(65536),
  window: z.number().int().min(1).max(64).default(8),
});

export type DieConfigFile = z.input<typeof dieConfigSchema>;

export interface DieConfig extends Omit<z.output<typeof dieConfigSchema>, 'profile' | 'leakageMw'> {
  readonly profile: DieProfile;
  readonly leakageMw: Readonly<Record<Rail, number>>;
}

export class DieConfigError extends Error {
  constructor(source: string, problems: string[]) {
    super(`${source}: invalid die configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'DieConfigError';
  }
}

export function parseDieConfig(value: unknown, source = 'die configuration'): DieConfig {
  const r = dieConfigSchema.safeParse(value ?? {});
  if (!r.success)
    throw new DieConfigError(
      source,
      r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  const profile = parseBoardDieProfile(r.data.profile, `${source} (profile)`);
  const columns = profile.outputs * profile.weightBits;
  const bad = r.data.stuckCells.filter((c) => c.row >= profile.rows || c.column >= columns);
  if (bad.length > 0) {
    throw new DieConfigError(
      source,
      bad.map((c) => `stuckCells: (row ${c.row}, column ${c.column}) is outside ${profile.rows} rows x ${columns} columns`),
    );
  }
  return { ...r.data, profile, leakageMw: { ...r.data.leakageMw } };
}

export async function loadDieConfig(path: string): Promise<DieConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new DieConfigError(path, [`cannot read: ${(e as Error).message}`]);
  }
  const json = parseJsonText(text);
  if (!json.ok) throw new DieConfigError(path, [json.problem]);
  return parseDieConfig(json.value, path);
}
