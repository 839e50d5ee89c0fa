// The Run screen's form and the options of run.start it stands for (runOptionsSchema): the mode,
// a die profile, a generated or imported stimulus, a calibration; and the form filled from a past
// run ("run again with these parameters").
import { z } from 'zod';
import { MODES, type Mode } from '../../../shared/model/modes';
import { DEFAULT_PROFILE } from '../../../shared/model/profile';
import type { RunOptions } from '../../../shared/api/run-options';
import type { RunRowDoc } from '../../../shared/api/runs';
import { WORKLOAD_KINDS, type WorkloadKind } from '../../../shared/workload/generators';
import type { BoardChoice } from '../stores/bench';

export type StimulusSource = 'generated' | 'imported';

export interface RunFormValues {
  mode: Mode;
  boundary: number | null;
  skip: number | null;
  /** a saved die profile's path; null: the spec's defaults */
  profile: string | null;
  /** a generated workload, or imported vectors and weights files */
  stimulus: StimulusSource;
  /** imported: the paths stimulus.import answered */
  vectorsFile: string | null;
  weightsFile: string | null;
  /** a calibration record's id; null: the raw codes */
  calibration: number | null;
  kind: WorkloadKind;
  vectors: number | null;
  seed: number | null;
  repeat: number | null;
  /** vectors per batch; null: about a second of link each */
  batch: number | null;
  label: string;
  /** comma- or space-separated */
  tags: string;
}

/** The form's fields, by the keys the engine's errors name. */
export const RUN_FIELDS = [
  'board',
  'die',
  'mode',
  'boundary',
  'skip',
  'faults',
  'simBaud',
  'profile',
  'workload.kind',
  'workload.vectors',
  'workload.seed',
  'vectorsFile',
  'weightsFile',
  'calibration',
  'repeat',
  'batch',
  'label',
  'tags',
] as const;

export function defaultRunForm(): RunFormValues {
  return {
    mode: 'osa',
    boundary: 9,
    skip: 0,
    profile: null,
    stimulus: 'generated',
    vectorsFile: null,
    weightsFile: null,
    calibration: null,
    kind: 'relu',
    vectors: 20_000,
    seed: 1,
    repeat: 1,
    batch: null,
    label: '',
    tags: '',
  };
}

export function splitTags(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

const opt = (n: number | null) => (n === null || Number.isNaN(n) ? undefined : n);

/** The run.start request for the form on a board. Boundary and skip go with hcim only. */
export function runOptions(v: RunFormValues, board: BoardChoice): RunOptions {
  const options: RunOptions = { ...board, mode: v.mode, repeat: opt(v.repeat), tags: splitTags(v.tags) };
  if (v.stimulus === 'imported') {
    // a missing file is left out, so that the engine's refusal names it
    if (v.vectorsFile) options.vectorsFile = v.vectorsFile;
    if (v.weightsFile) options.weightsFile = v.weightsFile;
  } else options.workload = { kind: v.kind, vectors: opt(v.vectors) as number, seed: opt(v.seed) };
  if (v.profile) options.profile = v.profile;
  if (v.calibration !== null) options.calibration = v.calibration;
  if (v.mode === 'hcim') {
    options.boundary = opt(v.boundary);
    options.skip = opt(v.skip);
  }
  const batch = opt(v.batch);
  if (batch !== undefined) options.batch = batch;
  if (v.label.trim()) options.label = v.label.trim();
  return options;
}

const configPart = z.object({
  mode: z.enum(MODES),
  boundary: z.number().int().optional(),
  skip: z.number().int().optional(),
  repeat: z.number().int().positive().optional(),
  batchVectors: z.number().int().positive().nullable().optional(),
});
const stimulusPart = z.object({ stimulus: z.object({ generator: z.string().nullable(), seed: z.number().nullable() }) });
const calibrationPart = z.object({ calibration: z.object({ id: z.number().int().positive() }).nullable() });
const profilePart = z.object({ profile: z.record(z.string(), z.unknown()) });
/** what a run's config may name, beside its mode (the paths it was given, when the engine keeps them) */
const filesPart = z.object({ profilePath: z.string().min(1).optional(), weightsFile: z.string().min(1).optional() });

function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return a === b;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export interface Prefill {
  readonly values: RunFormValues;
  /** what could not be taken over */
  readonly note: string | null;
}

/** The form as a past measurement run had it; null for what is not a measurement run. */
export function formFromRun(row: RunRowDoc, base: RunFormValues = defaultRunForm()): Prefill | null {
  const config = configPart.safeParse(row.config);
  if (row.kind !== 'run' || !config.success) return null;
  const c = config.data;
  const stimulus = stimulusPart.safeParse(row.provenance);
  const generator = stimulus.success ? stimulus.data.stimulus.generator : null;
  const kind = (WORKLOAD_KINDS as readonly string[]).includes(generator ?? '') ? (generator as WorkloadKind) : null;
  const calibration = calibrationPart.safeParse(row.provenance);
  const files = filesPart.safeParse(row.config);
  const values: RunFormValues = {
    ...base,
    mode: c.mode,
    boundary: c.boundary ?? base.boundary,
    skip: c.skip ?? base.skip,
    calibration: calibration.success ? (calibration.data.calibration?.id ?? null) : null,
    repeat: c.repeat ?? 1,
    batch: c.batchVectors ?? null,
    label: row.label ?? '',
    tags: row.tags.join(', '),
  };
  const notes: string[] = [];
  if (kind) {
    values.stimulus = 'generated';
    values.kind = kind;
    values.vectors = row.vectorsTotal;
    values.seed = stimulus.success ? (stimulus.data.stimulus.seed ?? 1) : 1;
  } else if (generator?.startsWith('file:')) {
    values.stimulus = 'imported';
    values.vectorsFile = generator.slice('file:'.length);
    const weights = files.success ? files.data.weightsFile : undefined;
    if (weights) values.weightsFile = weights;
    else notes.push(`run ${row.id}'s weights file is not named in its record: import its weights again`);
  } else notes.push(`run ${row.id}'s stimulus is not known to the form: the form keeps its own`);
  const profilePath = files.success ? files.data.profilePath : undefined;
  const profile = profilePart.safeParse(row.config);
  if (profilePath) values.profile = profilePath;
  else if (profile.success && sameJson(profile.data.profile, DEFAULT_PROFILE)) values.profile = null;
  else if (profile.success) notes.push(`run ${row.id} had a die profile of its own: pick it under Die profile`);
  return { values, note: notes.length > 0 ? `${notes.join('; ')}.` : null };
}
