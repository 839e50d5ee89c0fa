// The die profile (spec section 2): every parameter of the macro that the model honours.
// A profile file may give any subset of the fields; the rest take the published defaults.
import { z } from 'zod';
import { parseJsonText } from '../io/json-text';
import { MAX_LINE } from '../protocol/frame';

export interface SaliencyLevel {
  /** planes with significance k >= boundary are DIGITAL */
  readonly boundary: number;
  /** planes with k < skip are SKIPPED (never computed) */
  readonly skip: number;
}

export interface EnergyModel {
  readonly digitalPlanePj: number;
  readonly analogPlanePj: number;
  readonly saliencyPj: number;
}

export interface DieProfile {
  readonly rows: number;
  readonly outputs: number;
  readonly inputBits: number;
  readonly weightBits: number;
  readonly adcBits: number;
  readonly salientInputBits: number;
  readonly levels: readonly SaliencyLevel[];
  readonly thresholds: readonly number[];
  readonly energy: EnergyModel;
  readonly clockMHz: number;
  readonly vddV: number;
}

export const DEFAULT_PROFILE: DieProfile = Object.freeze({
  rows: 256,
  outputs: 8,
  inputBits: 8,
  weightBits: 8,
  adcBits: 6,
  salientInputBits: 2,
  levels: Object.freeze([
    { boundary: 11, skip: 4 },
    { boundary: 10, skip: 2 },
    { boundary: 9, skip: 0 },
    { boundary: 8, skip: 0 },
  ]),
  thresholds: Object.freeze([-43008, -30720, -18432]),
  energy: Object.freeze({ digitalPlanePj: 0.8, analogPlanePj: 0.28, saliencyPj: 1.9 }),
  clockMHz: 100,
  vddV: 1.0,
});

// Bounds keep every intermediate sum an exact integer in a double (2^53) and the
// ADC codes within an Int16Array; they are far beyond any macro of this family.
export const PROFILE_LIMITS: Readonly<Record<'rows' | 'outputs' | 'inputBits' | 'weightBits' | 'adcBits' | 'levels', readonly [number, number]>> = Object.freeze({
  rows: [1, 4096],
  outputs: [1, 256],
  inputBits: [1, 16],
  weightBits: [2, 16],
  adcBits: [1, 12],
  levels: [1, 16],
});

const int = (name: keyof typeof PROFILE_LIMITS) => z.number().int().min(PROFILE_LIMITS[name][0]).max(PROFILE_LIMITS[name][1]);
// Physical quantities: bounds far outside any die of the family, so that a typo (1e308) is caught
// and every figure derived from them (energy per MAC, power, time) stays a finite number.
const MAX_PLANE_PJ = 10_000;
const planePj = z.number().positive().max(MAX_PLANE_PJ);

const levelSchema = z.strictObject({ boundary: z.number().int().min(0), skip: z.number().int().min(0) });

/** The JSON form of a profile file: all fields optional, unknown fields refused (a typo must not pass silently). */
export const dieProfileFileSchema = z.strictObject({
  rows: int('rows').optional(),
  outputs: int('outputs').optional(),
  inputBits: int('inputBits').optional(),
  weightBits: int('weightBits').optional(),
  adcBits: int('adcBits').optional(),
  salientInputBits: z.number().int().min(0).optional(),
  levels: z.array(levelSchema).min(PROFILE_LIMITS.levels[0]).max(PROFILE_LIMITS.levels[1]).optional(),
  thresholds: z.array(z.number().int()).optional(),
  energy: z
    .strictObject({
      digitalPlanePj: planePj.optional(),
      analogPlanePj: planePj.optional(),
      saliencyPj: z.number().min(0).max(MAX_PLANE_PJ).optional(),
    })
    .optional(),
  clockMHz: z.number().positive().max(10_000).optional(),
  vddV: z.number().min(0.1).max(5).optional(),
});

export type DieProfileFile = z.infer<typeof dieProfileFileSchema>;

export class ProfileError extends Error {
  constructor(
    readonly source: string,
    readonly issues: readonly string[],
  ) {
    super(`${source}: invalid die profile:\n  ${issues.join('\n  ')}`);
    this.name = 'ProfileError';
  }
}

function describeZodIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.length > 0 ? issue.path.join('.') : '(root)';
  switch (issue.code) {
    case 'too_small':
      return `${field}: must be ${issue.inclusive === false ? '>' : '>='} ${String(issue.minimum)}${issue.origin === 'array' ? ' entries' : ''}`;
    case 'too_big':
      return `${field}: must be <= ${String(issue.maximum)}${issue.origin === 'array' ? ' entries' : ''}`;
    case 'unrecognized_keys':
      return `${field}: unknown field(s) ${issue.keys.join(', ')}`;
    case 'invalid_type':
      return `${field}: expected ${issue.expected}`;
    default:
      return `${field}: ${issue.message}`;
  }
}

/** Cross-field rules of spec section 2 that a schema of single fields cannot express. */
function crossFieldIssues(p: DieProfile): string[] {
  const issues: string[] = [];
  const maxPlane = p.inputBits + p.weightBits - 1;
  if (p.salientInputBits > p.inputBits) {
    issues.push(`salientInputBits: must be in 0..inputBits (${p.inputBits}), got ${p.salientInputBits}`);
  }
  if (p.thresholds.length !== p.levels.length - 1) {
    issues.push(`thresholds: need one less than levels (${p.levels.length - 1}), got ${p.thresholds.length}`);
  }
  p.thresholds.forEach((theta, q) => {
    const prev = p.thresholds[q - 1];
    if (q > 0 && prev !== undefined && theta <= prev) {
      issues.push(`thresholds.${q}: must ascend (${theta} <= ${prev})`);
    }
  });
  p.levels.forEach((level, l) => {
    if (level.boundary > maxPlane) {
      issues.push(`levels.${l}.boundary: must be in 0..${maxPlane}, got ${level.boundary}`);
    }
    if (level.skip > level.boundary) {
      issues.push(`levels.${l}.skip: must be <= boundary (${level.boundary}), got ${level.skip}`);
    }
  });
  // Partial sums reach rows * 2^(inputBits+weightBits-1); keep them exact in a double.
  if (Math.log2(p.rows) + p.inputBits + p.weightBits > 52) {
    issues.push(`rows, inputBits, weightBits: rows * 2^(inputBits+weightBits) must stay below 2^52`);
  }
  return issues;
}

/** Validate an untrusted value (parsed JSON) as a profile; `source` names it in errors. */
export function parseDieProfile(value: unknown, source = 'profile'): DieProfile {
  const parsed = dieProfileFileSchema.safeParse(value);
  if (!parsed.success) throw new ProfileError(source, parsed.error.issues.map(describeZodIssue));
  const f = parsed.data;
  const profile: DieProfile = {
    ...DEFAULT_PROFILE,
    ...stripUndefined(f),
    energy: { ...DEFAULT_PROFILE.energy, ...stripUndefined(f.energy ?? {}) },
  };
  const issues = crossFieldIssues(profile);
  if (issues.length > 0) throw new ProfileError(source, issues);
  return profile;
}

/** Parse the text of a profile JSON file (a BOM allowed, a key given twice refused). */
export function parseDieProfileJson(text: string, source = 'profile'): DieProfile {
  const json = parseJsonText(text);
  if (!json.ok) throw new ProfileError(source, [json.problem]);
  return parseDieProfile(json.value, source);
}

// The board protocol (docs/protocol.md sections 1 and 7) sends one vector, and receives one
// vector's result record, base64-encoded within one line of MAX_LINE bytes; the host keeps this
// much of a line for the frame around the data (as drivers/client does).
const LINE_FRAME_BYTES = 96;
const base64Bytes = (n: number) => Math.ceil(n / 3) * 4;

/**
 * Why a profile cannot run on a board: a vector or a result record that no protocol line can hold.
 * The record is the worst case over modes (every plane analog), so any mode fits.
 */
export function protocolFitIssues(p: DieProfile): string[] {
  const room = MAX_LINE - LINE_FRAME_BYTES;
  const issues: string[] = [];
  const inputBytes = p.inputBits <= 8 ? 1 : 2;
  const vector = base64Bytes(p.rows * inputBytes);
  if (vector > room) {
    const most = Math.floor((Math.floor(room / 4) * 3) / inputBytes);
    issues.push(
      `rows: one vector of ${p.rows} inputs of ${inputBytes} byte(s) (inputBits ${p.inputBits}) is ${vector} bytes in base64, past the ${room} a ${MAX_LINE}-byte protocol line holds: at most ${most} rows`,
    );
  }
  const sumBytes = p.rows * 2 ** (p.inputBits + p.weightBits - 1) < 2 ** 31 ? 4 : 8;
  const codeBytes = p.adcBits <= 8 ? 1 : 2;
  const perOutput = 2 * sumBytes + 1 + p.inputBits * p.weightBits * codeBytes;
  const record = base64Bytes(p.outputs * perOutput);
  if (record > room) {
    const most = Math.floor((Math.floor(room / 4) * 3) / perOutput);
    issues.push(
      `outputs: one result record of ${p.outputs} outputs of ${perOutput} bytes (D and S of ${sumBytes}, a level, ${p.inputBits * p.weightBits} codes of ${codeBytes}) is ${record} bytes in base64, past the ${room} a ${MAX_LINE}-byte protocol line holds: at most ${most} outputs at inputBits ${p.inputBits}, weightBits ${p.weightBits}, adcBits ${p.adcBits}`,
    );
  }
  return issues;
}

/** A profile for a die on a board: valid, and its vectors and results fit the protocol's lines. */
export function parseBoardDieProfile(value: unknown, source = 'profile'): DieProfile {
  const profile = parseDieProfile(value, source);
  const issues = protocolFitIssues(profile);
  if (issues.length > 0) throw new ProfileError(source, issues);
  return profile;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
