// Typed payloads of the board protocol and their text forms (docs/protocol.md). Every parse of
// what a board sends goes through a schema and returns a result; nothing here throws on bad data.
import { z } from 'zod';
import { MODES, type Mode } from '../model/modes';
import type { SaliencyLevel } from '../model/profile';
import type { ParseResult } from './frame';

export const ERR = {
  UNKNOWN_COMMAND: 1,
  BAD_PARAMETER: 2,
  LINE_TOO_LONG: 3,
  OVERFLOW: 4,
  BUSY: 5,
  NOT_CONFIGURED: 6,
  BAD_DATA: 7,
  NO_RESULTS: 8,
  ABORTED: 9,
} as const;

export const RAILS = ['VDD_DIG', 'VDD_ANA', 'VDD_SRAM'] as const;
export type Rail = (typeof RAILS)[number];

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

function issues(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`).join('; ');
}

/** `KEY=value` fields as a record; a field without '=' is an error. */
export function keyValues(fields: readonly string[]): ParseResult<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of fields) {
    const eq = f.indexOf('=');
    if (eq <= 0) return fail(`'${f.slice(0, 32)}' is not KEY=value`);
    out[f.slice(0, eq).toUpperCase()] = f.slice(eq + 1);
  }
  return { ok: true, value: out };
}

const intText = z
  .string()
  .regex(/^-?\d{1,12}$/, 'expected an integer')
  .transform(Number);
const uintText = (max: number) => intText.pipe(z.number().int().min(0).max(max));
const numberText = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/, 'expected a number')
  .transform(Number);

// ---- identity (*IDN?) -------------------------------------------------------------------------

export interface BoardIdentity {
  readonly vendor: string;
  readonly serial: string;
  readonly firmware: string;
  readonly bitstream: string;
  readonly dieId: string;
  readonly protocol: number;
}

const idnField = z
  .string()
  .regex(/^[\x21-\x7e]+$/, 'printable, no spaces')
  .max(80);
const identitySchema = z.object({
  vendor: idnField,
  serial: idnField,
  firmware: idnField,
  bitstream: idnField,
  dieId: idnField,
  protocol: uintText(1000),
});

export function formatIdentity(id: BoardIdentity): string {
  return [id.vendor, id.serial, id.firmware, id.bitstream, id.dieId, id.protocol].join(',');
}

export function parseIdentity(fields: readonly string[]): ParseResult<BoardIdentity> {
  const parts = fields.join(' ').split(',');
  if (parts.length !== 6) return fail(`identity has ${parts.length} comma-separated fields, expected 6`);
  const [vendor, serial, firmware, bitstream, dieId, protocol] = parts;
  const r = identitySchema.safeParse({ vendor, serial, firmware, bitstream, dieId, protocol });
  return r.success ? { ok: true, value: r.data } : fail(`identity: ${issues(r.error)}`);
}

// ---- capabilities (CAP?) ----------------------------------------------------------------------

export interface BoardCapabilities {
  readonly rows: number;
  readonly outputs: number;
  readonly inputBits: number;
  readonly weightBits: number;
  readonly adcBits: number;
  /** vectors the board's vector memory holds */
  readonly vectorCapacity: number;
  /** vector results (all outputs of one vector) the result memory holds */
  readonly resultCapacity: number;
  /** requests the host may have in flight (sent, not yet answered) */
  readonly window: number;
  /** longest line the board accepts */
  readonly maxLine: number;
  /** macro clock, MHz: a burst of T vectors lasts T * BX / clock microseconds */
  readonly clockMHz: number;
}

const CAP_KEYS: Record<keyof BoardCapabilities, string> = {
  rows: 'ROWS',
  outputs: 'OUTS',
  inputBits: 'BX',
  weightBits: 'BW',
  adcBits: 'ADC',
  vectorCapacity: 'VEC',
  resultCapacity: 'RES',
  window: 'WIN',
  maxLine: 'LINE',
  clockMHz: 'CLK',
};

const capsSchema = z.object({
  rows: uintText(4096).pipe(z.number().min(1)),
  outputs: uintText(256).pipe(z.number().min(1)),
  inputBits: uintText(16).pipe(z.number().min(1)),
  weightBits: uintText(16).pipe(z.number().min(2)),
  adcBits: uintText(12).pipe(z.number().min(1)),
  vectorCapacity: uintText(10_000_000).pipe(z.number().min(1)),
  resultCapacity: uintText(10_000_000).pipe(z.number().min(1)),
  window: uintText(1024).pipe(z.number().min(1)),
  maxLine: uintText(1 << 20).pipe(z.number().min(256)),
  clockMHz: numberText.pipe(z.number().positive().max(100000)),
});

export function formatCapabilities(c: BoardCapabilities): string[] {
  return (Object.keys(CAP_KEYS) as (keyof BoardCapabilities)[]).map((k) => `${CAP_KEYS[k]}=${c[k]}`);
}

export function parseCapabilities(fields: readonly string[]): ParseResult<BoardCapabilities> {
  const kv = keyValues(fields);
  if (!kv.ok) return kv;
  const input = Object.fromEntries(Object.entries(CAP_KEYS).map(([k, key]) => [k, kv.value[key]]));
  const r = capsSchema.safeParse(input);
  return r.success ? { ok: true, value: r.data } : fail(`capabilities: ${issues(r.error)}`);
}

// ---- run configuration (CFG / CFG?) -----------------------------------------------------------

export interface BoardRunConfig {
  readonly mode: Mode;
  /** hcim: the fixed boundary and skip line */
  readonly boundary?: number | undefined;
  readonly skip?: number | undefined;
  /** osa: per level (b, t), ascending thresholds, saliency input bits */
  readonly levels: readonly SaliencyLevel[];
  readonly thresholds: readonly number[];
  readonly salientInputBits: number;
}

export function formatRunConfig(c: BoardRunConfig): string[] {
  const fields = [`MODE=${c.mode}`];
  if (c.boundary !== undefined) fields.push(`B=${c.boundary}`);
  if (c.skip !== undefined) fields.push(`T=${c.skip}`);
  fields.push(`LEVELS=${c.levels.map((l) => `${l.boundary}:${l.skip}`).join(',')}`);
  fields.push(`THR=${c.thresholds.join(',')}`);
  fields.push(`SX=${c.salientInputBits}`);
  return fields;
}

const levelsText = z
  .string()
  .regex(/^\d{1,2}:\d{1,2}(,\d{1,2}:\d{1,2}){0,15}$/, 'expected b:t[,b:t...]')
  .transform((s) => s.split(',').map((p) => ({ boundary: Number(p.split(':')[0]), skip: Number(p.split(':')[1]) })));
const thresholdsText = z
  .string()
  .regex(/^(-?\d{1,12}(,-?\d{1,12}){0,14})?$/, 'expected integers separated by commas')
  .transform((s) => (s === '' ? [] : s.split(',').map(Number)));

const runConfigSchema = z.object({
  MODE: z.enum(MODES),
  B: uintText(31).optional(),
  T: uintText(31).optional(),
  LEVELS: levelsText,
  THR: thresholdsText,
  SX: uintText(16),
});

/** A run configuration from CFG arguments; `base` supplies keys not given (a CFG may set a few). */
export function parseRunConfig(fields: readonly string[], base?: BoardRunConfig): ParseResult<BoardRunConfig> {
  const kv = keyValues(fields);
  if (!kv.ok) return kv;
  const known = new Set(['MODE', 'B', 'T', 'LEVELS', 'THR', 'SX']);
  const unknown = Object.keys(kv.value).filter((k) => !known.has(k));
  if (unknown.length > 0) return fail(`unknown configuration key(s) ${unknown.join(', ')}`);
  const merged = { ...(base ? keyValuesOf(base) : {}), ...kv.value };
  const r = runConfigSchema.safeParse(merged);
  if (!r.success) return fail(issues(r.error));
  const d = r.data;
  return {
    ok: true,
    value: { mode: d.MODE, boundary: d.B, skip: d.T, levels: d.LEVELS, thresholds: d.THR, salientInputBits: d.SX },
  };
}

function keyValuesOf(c: BoardRunConfig): Record<string, string> {
  const kv = keyValues(formatRunConfig(c));
  return kv.ok ? kv.value : {};
}

// ---- run report (RUN's answer) ----------------------------------------------------------------

export interface RunReport {
  readonly batch: number;
  /** vector results produced: count * repeat, or fewer if aborted */
  readonly vectors: number;
  readonly aborted: boolean;
  /** duration of the timed burst, microseconds */
  readonly burstUs: number;
  readonly dieTempC: number;
  /** average power of each rail during the burst, milliwatts */
  readonly railMw: Readonly<Record<Rail, number>>;
}

export function formatRunReport(r: RunReport): string[] {
  return [
    `BATCH=${r.batch}`,
    `N=${r.vectors}`,
    `STATE=${r.aborted ? 'ABORTED' : 'DONE'}`,
    `US=${r.burstUs.toFixed(3)}`,
    `TEMP=${r.dieTempC.toFixed(2)}`,
    ...RAILS.map((rail) => `${rail}=${r.railMw[rail].toFixed(6)}`),
  ];
}

const runReportSchema = z.object({
  BATCH: uintText(0xffffffff),
  N: uintText(1e9),
  STATE: z.enum(['DONE', 'ABORTED']),
  US: numberText,
  TEMP: numberText,
  VDD_DIG: numberText,
  VDD_ANA: numberText,
  VDD_SRAM: numberText,
});

export function parseRunReport(fields: readonly string[]): ParseResult<RunReport> {
  const kv = keyValues(fields);
  if (!kv.ok) return kv;
  const r = runReportSchema.safeParse(kv.value);
  if (!r.success) return fail(`run report: ${issues(r.error)}`);
  const d = r.data;
  return {
    ok: true,
    value: {
      batch: d.BATCH,
      vectors: d.N,
      aborted: d.STATE === 'ABORTED',
      burstUs: d.US,
      dieTempC: d.TEMP,
      railMw: { VDD_DIG: d.VDD_DIG, VDD_ANA: d.VDD_ANA, VDD_SRAM: d.VDD_SRAM },
    },
  };
}

// ---- telemetry (! TEL) ------------------------------------------------------------------------

export interface Telemetry {
  readonly uptimeMs: number;
  readonly dieTempC: number;
  readonly railMw: Readonly<Record<Rail, number>>;
}

export function formatTelemetry(t: Telemetry): string[] {
  return [`MS=${Math.round(t.uptimeMs)}`, `TEMP=${t.dieTempC.toFixed(2)}`, ...RAILS.map((r) => `${r}=${t.railMw[r].toFixed(6)}`)];
}

const telemetrySchema = z.object({ MS: uintText(1e15), TEMP: numberText, VDD_DIG: numberText, VDD_ANA: numberText, VDD_SRAM: numberText });

export function parseTelemetry(fields: readonly string[]): ParseResult<Telemetry> {
  const kv = keyValues(fields);
  if (!kv.ok) return kv;
  const r = telemetrySchema.safeParse(kv.value);
  if (!r.success) return fail(`telemetry: ${issues(r.error)}`);
  return { ok: true, value: { uptimeMs: r.data.MS, dieTempC: r.data.TEMP, railMw: { VDD_DIG: r.data.VDD_DIG, VDD_ANA: r.data.VDD_ANA, VDD_SRAM: r.data.VDD_SRAM } } };
}
