// The bench session a run is logged under: who measures, on which bench, which die, at what
// ambient temperature. The app's Session screen sets it; the CLI takes it from its flags.
import { z } from 'zod';

export const sessionSchema = z.object({
  operator: z.string().max(200).nullable().default(null),
  bench: z.string().max(200).nullable().default(null),
  /** the die as the operator labels it (the board's own id is in each run's provenance) */
  dieId: z.string().max(200).nullable().default(null),
  ambientC: z.number().min(-60).max(200).nullable().default(null),
  notes: z.string().max(10_000).nullable().default(null),
});
export type SessionDoc = z.output<typeof sessionSchema>;
