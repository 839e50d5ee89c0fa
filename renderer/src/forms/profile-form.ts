// The die profile editor's form: a profile file's fields (shared/model/profile.ts) as editable
// values, the JSON a profile file holds made from them, and the engine's check of it mapped back
// to the fields it names (`profile.adcBits`, `levels.1.skip`, `thresholds.0`), every one of them.
import { RpcClientError } from '../../../shared/api/client';
import { DEFAULT_PROFILE, parseDieProfile, ProfileError } from '../../../shared/model/profile';
import type { FieldErrors } from './field-errors';

export const SCALAR_FIELDS = [
  { key: 'rows', label: 'Rows N', hint: 'word lines summed per MAC' },
  { key: 'outputs', label: 'Outputs M', hint: 'columns of outputs' },
  { key: 'inputBits', label: 'Input bits BX', hint: '' },
  { key: 'weightBits', label: 'Weight bits BW', hint: '' },
  { key: 'adcBits', label: 'ADC bits B', hint: '' },
  { key: 'salientInputBits', label: 'Salient input bits', hint: 'input MSBs the saliency counts' },
] as const;
export const PHYSICAL_FIELDS = [
  { key: 'clockMHz', label: 'Clock (MHz)' },
  { key: 'vddV', label: 'VDD (V)' },
  { key: 'energy.digitalPlanePj', label: 'Digital plane (pJ)' },
  { key: 'energy.analogPlanePj', label: 'Analog plane (pJ)' },
  { key: 'energy.saliencyPj', label: 'Saliency (pJ)' },
] as const;

type ScalarKey = (typeof SCALAR_FIELDS)[number]['key'];
type PhysicalKey = (typeof PHYSICAL_FIELDS)[number]['key'];

export interface LevelRow {
  boundary: number | null;
  skip: number | null;
}

export interface ProfileDraft {
  ints: Record<ScalarKey, number | null>;
  physical: Record<PhysicalKey, number | null>;
  levels: LevelRow[];
  /** thresholds[l - 1]: S above it picks level l (one less than levels) */
  thresholds: (number | null)[];
}

/** A draft of a profile as profiles.get answers it (every field given, defaults filled in). */
export function draftOf(file: Record<string, unknown>): ProfileDraft {
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const energy = (typeof file.energy === 'object' && file.energy !== null ? file.energy : {}) as Record<string, unknown>;
  const levels = Array.isArray(file.levels) ? (file.levels as unknown[]) : [];
  const thresholds = Array.isArray(file.thresholds) ? (file.thresholds as unknown[]) : [];
  return {
    ints: Object.fromEntries(SCALAR_FIELDS.map((f) => [f.key, num(file[f.key])])) as Record<ScalarKey, number | null>,
    physical: {
      clockMHz: num(file.clockMHz),
      vddV: num(file.vddV),
      'energy.digitalPlanePj': num(energy.digitalPlanePj),
      'energy.analogPlanePj': num(energy.analogPlanePj),
      'energy.saliencyPj': num(energy.saliencyPj),
    },
    levels: levels.map((l) => {
      const o = (typeof l === 'object' && l !== null ? l : {}) as Record<string, unknown>;
      return { boundary: num(o.boundary), skip: num(o.skip) };
    }),
    thresholds: thresholds.map(num),
  };
}

export function defaultDraft(): ProfileDraft {
  return draftOf(JSON.parse(JSON.stringify(DEFAULT_PROFILE)) as Record<string, unknown>);
}

/**
 * The profile file's JSON. A field left empty is left out (its default applies), except in the
 * levels and thresholds, where an empty cell is sent as it is so that the engine names it.
 */
export function profileFileOf(d: ProfileDraft): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of SCALAR_FIELDS) if (d.ints[f.key] !== null) out[f.key] = d.ints[f.key];
  if (d.physical.clockMHz !== null) out.clockMHz = d.physical.clockMHz;
  if (d.physical.vddV !== null) out.vddV = d.physical.vddV;
  const energy: Record<string, number> = {};
  for (const k of ['digitalPlanePj', 'analogPlanePj', 'saliencyPj'] as const) {
    const v = d.physical[`energy.${k}`];
    if (v !== null) energy[k] = v;
  }
  if (Object.keys(energy).length > 0) out.energy = energy;
  out.levels = d.levels.map((l) => ({ boundary: l.boundary, skip: l.skip }));
  out.thresholds = [...d.thresholds];
  return out;
}

/** Add a level at the end, with a threshold above the last one. */
export function addLevel(d: ProfileDraft): void {
  const last = d.levels[d.levels.length - 1];
  d.levels.push({ boundary: last?.boundary ?? 8, skip: 0 });
  if (d.levels.length > 1) {
    const prev = d.thresholds[d.thresholds.length - 1];
    d.thresholds.push(prev === null || prev === undefined ? 0 : prev + 1);
  }
}

/** Remove level `l`, with the threshold that led into it (or out of it, for level 0). */
export function removeLevel(d: ProfileDraft, l: number): void {
  if (d.levels.length <= 1) return;
  d.levels.splice(l, 1);
  d.thresholds.splice(Math.max(0, l - 1), 1);
}

const ISSUE = /^([A-Za-z(][\w.()]*(?:, [A-Za-z][\w.]*)*): (.+)$/;

/** The keys of a draft's fields, as the engine names them (without `profile.`). */
export function draftKeys(d: ProfileDraft): string[] {
  return [
    ...SCALAR_FIELDS.map((f) => f.key),
    ...PHYSICAL_FIELDS.map((f) => f.key),
    'energy',
    'levels',
    ...d.levels.flatMap((_, l) => [`levels.${l}`, `levels.${l}.boundary`, `levels.${l}.skip`]),
    'thresholds',
    ...d.thresholds.map((_, q) => `thresholds.${q}`),
  ];
}

/**
 * The engine's refusal of a profile, by field: each line of a profile error ("levels.1.skip: must
 * be <= boundary") goes to the field it names, a rule over several fields to each of them, the
 * save name's error to `name`, and anything else to the form ('').
 */
export function profileErrors(e: unknown, keys: readonly string[]): FieldErrors {
  const message = e instanceof Error ? e.message : String(e);
  const out: Record<string, string> = {};
  const put = (key: string, text: string) => {
    const k = key.replace(/^profile\./, '');
    const field = keys.includes(k) ? k : k === 'name' ? 'name' : '';
    out[field] = out[field] ? `${out[field]}; ${text}` : text;
  };
  let found = false;
  for (const line of message.split('\n').map((l) => l.trim())) {
    const m = ISSUE.exec(line);
    if (!m?.[1] || !m[2]) continue;
    const names = m[1].split(', ');
    // the heading of a list of issues ("profile: invalid die profile:") names no field
    if (names.length === 1 && (names[0] === 'profile' || /:$/.test(m[2]))) continue;
    for (const n of names) put(n, m[2]);
    found = true;
  }
  if (!found) {
    const field = e instanceof RpcClientError ? e.field : null;
    if (field) put(field, message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message);
    else out[''] = message;
  }
  return out;
}

/**
 * Every issue of the draft by field, as the model's own check finds them (the engine answers with
 * the first only): the file's fields, then the rules across fields. Empty when it passes.
 */
export function localProfileErrors(d: ProfileDraft): FieldErrors {
  try {
    parseDieProfile(profileFileOf(d));
    return {};
  } catch (e) {
    if (!(e instanceof ProfileError)) return { '': e instanceof Error ? e.message : String(e) };
    return profileErrors(new Error(e.issues.join('\n')), draftKeys(d));
  }
}
