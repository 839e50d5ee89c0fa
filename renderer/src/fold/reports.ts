// A stop document's or a run row's summary, typed: a measurement run's figures (runSummarySchema)
// or a procedure's report (procedureSummarySchemas, with its pass verdict). Nothing here trusts
// the shape of a summary it has not parsed.
import { procedureSummarySchemas, type ProcedureSummary } from '../../../shared/api/procedure-reports';
import { PROCEDURES, type ProcedureName } from '../../../shared/api/run-options';
import { runSummarySchema, type RunSummaryDoc } from '../../../shared/api/runs';

/** A procedure's report as the UI draws it: which procedure, its verdict, its typed summary. */
export type ReportView = { [P in ProcedureName]: { readonly procedure: P; readonly passed: boolean | null; readonly summary: ProcedureSummary<P> } }[ProcedureName];

export function isProcedure(kind: string): kind is ProcedureName {
  return (PROCEDURES as readonly string[]).includes(kind);
}

/** The report in a procedure's summary (its parent run's stop document or row), or null. */
export function parseReport(kind: string, summary: Readonly<Record<string, unknown>> | null | undefined): ReportView | null {
  if (!summary || !isProcedure(kind)) return null;
  const parsed = procedureSummarySchemas[kind].safeParse(summary);
  if (!parsed.success) return null;
  const passed = typeof summary.passed === 'boolean' ? summary.passed : null;
  return { procedure: kind, passed, summary: parsed.data } as ReportView;
}

/** A measurement run's summary, or null (a procedure's, a run still going). */
export function parseRunSummary(summary: Readonly<Record<string, unknown>> | null | undefined): RunSummaryDoc | null {
  if (!summary) return null;
  const parsed = runSummarySchema.safeParse(summary);
  return parsed.success ? parsed.data : null;
}
