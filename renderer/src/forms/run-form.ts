// The Run screen's form and the options of run.start it stands for (runOptionsSchema), and the
// form filled from a past run ("run again with these parameters").
import { z } from 'zod';
import { MODES, type Mode } from '../../../shared/model/modes';
import type { RunOptions } from '../../../shared/api/run-options';
import type { RunRowDoc } from '../../../shared/api/runs';
import { WORKLOAD_KINDS, type WorkloadKind } from '../../../shared/workload/generators';
import type { BoardChoice } from '../stores/bench';

export interface RunFormValues {
  mode: Mode;
  boundary: number | null;
  skip: number | null;
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
  'workload.kind',
  'workload.vectors',
  'workload.seed',
  'repeat',
  'batch',
  'label',
  'tags',
] as const;

export function defaultRunForm(): RunFormValues {
  return { mode: 'osa', boundary: 9, skip: 0, kind: 'relu', vectors: 20_000, seed: 1, repeat: 1, batch: null, label: '', tags: '' };
}

export function splitTags(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

const opt = (n: number | null) => (n === null || Number.isNaN(n) ? undefined : n);

/** The run.start request for the form on a board. Boundary and skip go with hcim only. */
export function runOptions(v: RunFormValues, board: BoardChoice): RunOptions {
  const options: RunOptions = {
    ...board,
    mode: v.mode,
    workload: { kind: v.kind, vectors: opt(v.vectors) as number, seed: opt(v.seed) },
    repeat: opt(v.repeat),
    tags: splitTags(v.tags),
  };
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
  const values: RunFormValues = {
    ...base,
    mode: c.mode,
    boundary: c.boundary ?? base.boundary,
    skip: c.skip ?? base.skip,
    repeat: c.repeat ?? 1,
    batch: c.batchVectors ?? null,
    label: row.label ?? '',
    tags: row.tags.join(', '),
  };
  if (kind) {
    values.kind = kind;
    values.vectors = row.vectorsTotal;
    values.seed = stimulus.success ? (stimulus.data.stimulus.seed ?? 1) : 1;
  }
  const note = kind ? null : `run ${row.id} used imported vectors: the form keeps its generated stimulus`;
  return { values, note };
}
