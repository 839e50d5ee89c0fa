// What a run was asked to do and where it came from, as stored with it and carried by its start
// document. Read back through these schemas, a run row is typed, not a bag of unknowns.
import { z } from 'zod';
import { MODES } from '../model/modes';
import { parseDieProfile, type DieProfile } from '../model/profile';

/** A die profile as stored and sent: every field, checked as a profile file is. */
export const profileSchema = z.custom<DieProfile>((v) => {
  try {
    parseDieProfile(v);
    return true;
  } catch {
    return false;
  }
}, 'not a valid die profile');

export const modeConfigSchema = z.object({
  mode: z.enum(MODES),
  boundary: z.number().int().min(0).max(31).optional(),
  skip: z.number().int().min(0).max(31).optional(),
});

/** A measurement run's configuration (a procedure's parent run stores its parameters instead). */
export const runConfigSchema = modeConfigSchema.extend({
  repeat: z.number().int().positive(),
  batchVectors: z.number().int().positive().nullable(),
  profile: profileSchema,
});
export type RunConfigDoc = z.infer<typeof runConfigSchema>;

export const boardIdentitySchema = z.object({
  vendor: z.string(),
  serial: z.string(),
  firmware: z.string(),
  bitstream: z.string(),
  protocol: z.number().int(),
});

/** Everything needed to reproduce a measurement run (engine/run/provenance.ts). */
export const runProvenanceSchema = z.object({
  app: z.object({ name: z.string(), version: z.string(), gitCommit: z.string() }),
  model: z.object({ sourceHash: z.string() }),
  profile: profileSchema,
  board: boardIdentitySchema,
  dieId: z.string(),
  vectorSet: z.string(),
  weightSet: z.string(),
  stimulus: z.object({ generator: z.string().nullable(), seed: z.number().nullable() }),
  calibration: z.object({ id: z.number().int(), guid: z.string() }).nullable(),
  config: modeConfigSchema,
  host: z.object({ node: z.string(), platform: z.string(), arch: z.string() }),
});
export type RunProvenance = z.infer<typeof runProvenanceSchema>;

/** A procedure's parent run: its procedure and parameters. */
export const procedureProvenanceSchema = z.object({
  procedure: z.string(),
  params: z.record(z.string(), z.unknown()),
});
export type ProcedureProvenance = z.infer<typeof procedureProvenanceSchema>;
