// A procedure's form, made from its params schema (procedureParamsSchemas): one field per
// parameter, of the kind its schema says, filled with the schema's defaults; and the params of
// procedure.start made from the form. The engine checks them with the same schema.
import { z } from 'zod';
import { procedureParamsSchemas, type ProcedureName } from '../../../shared/api/run-options';

export type ParamKind = 'integer' | 'choice' | 'integer-list' | 'text-list';

export interface ParamField {
  readonly name: string;
  /** the key the engine's errors name it by */
  readonly key: string;
  readonly kind: ParamKind;
  readonly options: readonly string[];
  readonly min: number | null;
  readonly max: number | null;
  /** may be left empty (no default: the engine decides) */
  readonly optional: boolean;
}

/** integer: a number or null (empty); choice: the option; lists: comma-separated text */
export type ParamValue = number | string | null;
export type ParamValues = Record<string, ParamValue>;

function unwrap(schema: z.ZodType): { inner: z.ZodType; optional: boolean } {
  let inner = schema;
  let optional = false;
  for (let i = 0; i < 4; i++) {
    if (inner instanceof z.ZodDefault) inner = inner.unwrap() as z.ZodType;
    else if (inner instanceof z.ZodOptional) {
      optional = true;
      inner = inner.unwrap() as z.ZodType;
    } else break;
  }
  return { inner, optional };
}

const finite = (n: number | null | undefined) => (typeof n === 'number' && Number.isFinite(n) ? n : null);

function fieldOf(name: string, schema: z.ZodType): ParamField {
  const { inner, optional } = unwrap(schema);
  const base = { name, key: `params.${name}`, options: [] as string[], min: null, max: null, optional };
  if (inner instanceof z.ZodNumber) return { ...base, kind: 'integer', min: finite(inner.minValue), max: finite(inner.maxValue) };
  if (inner instanceof z.ZodEnum) return { ...base, kind: 'choice', options: inner.options.map(String) };
  if (inner instanceof z.ZodArray) return { ...base, kind: inner.element instanceof z.ZodNumber ? 'integer-list' : 'text-list' };
  return { ...base, kind: 'text-list' };
}

export function paramFields(procedure: ProcedureName): ParamField[] {
  const schema: z.ZodObject = procedureParamsSchemas[procedure];
  return Object.entries(schema.shape).map(([name, s]) => fieldOf(name, s as z.ZodType));
}

/** The form as the schema's defaults fill it. */
export function defaultParams(procedure: ProcedureName): ParamValues {
  const defaults = procedureParamsSchemas[procedure].parse({}) as Record<string, unknown>;
  const values: ParamValues = {};
  for (const f of paramFields(procedure)) values[f.name] = toFormValue(f, defaults[f.name]);
  return values;
}

/** A value as the form holds it (from the defaults, or from a past run's params). */
export function toFormValue(f: ParamField, v: unknown): ParamValue {
  if (f.kind === 'integer') return typeof v === 'number' ? v : null;
  if (f.kind === 'choice') return typeof v === 'string' ? v : (f.options[0] ?? null);
  return Array.isArray(v) ? v.map(String).join(', ') : '';
}

/** The params of procedure.start: empty integers left out (the default applies), lists split. */
export function paramsOf(procedure: ProcedureName, values: ParamValues): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const f of paramFields(procedure)) {
    const v = values[f.name];
    if (v === null || v === undefined) continue;
    if (f.kind === 'integer' || f.kind === 'choice') params[f.name] = v;
    else {
      const items = String(v)
        .split(/[\s,]+/)
        .filter(Boolean);
      params[f.name] = f.kind === 'integer-list' ? items.map(Number) : items;
    }
  }
  return params;
}

/** A past procedure's params on the form (what the form does not know is left as it is). */
export function paramsFromRun(procedure: ProcedureName, params: Readonly<Record<string, unknown>>, base: ParamValues): ParamValues {
  const values = { ...base };
  for (const f of paramFields(procedure)) if (f.name in params) values[f.name] = toFormValue(f, params[f.name]);
  return values;
}

export const PROCEDURE_ABOUT: Record<ProcedureName, { readonly title: string; readonly about: string }> = {
  functional: { title: 'Functional', about: 'DCIM bit-exactness: every digital result against the model, over corner and random stimuli. Pass or fail.' },
  march: { title: 'March test', about: 'The SRAM array under march backgrounds: the map of stuck-at cells. Pass or fail.' },
  'adc-transfer': { title: 'ADC transfer', about: 'Each column’s ADC ramp: gain, offset, noise, INL and DNL; saves a calibration record.' },
  'snr-sweep': { title: 'SNR sweep', about: 'HCIM at each boundary b: SNR measured beside the model, and energy per MAC.' },
  'power-per-mode': { title: 'Power per mode', about: 'Energy per MAC and TOPS/W in DCIM, ACIM, HCIM and OSA, measured beside the model.' },
  'osa-points': { title: 'OSA operating points', about: 'The saliency thresholds shifted by each offset: SNR against energy gain, and the Pareto front.' },
  repeatability: { title: 'Repeatability', about: 'The same run repeated: run-to-run spread per die, and die-to-die with more dies.' },
};
