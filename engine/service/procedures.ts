// The characterization procedures by name, each loaded when it first runs.
import type { ProcedureName, ProcedureParams } from '../../shared/api/run-options';
import { resolveMode } from '../../shared/model/modes';
import type { BoardLink } from '../board/board-link';
import type { ProcedureContext, ProcedureReport } from '../procedures/context';

/** What a procedure may open besides its board: the other dies of a repeatability study. */
export interface ProcedureExtras {
  /** a die file with the simulated board, a board address otherwise */
  openOther(spec: string): Promise<BoardLink>;
}

type Runner<P extends ProcedureName> = (ctx: ProcedureContext, params: ProcedureParams<P>, extras: ProcedureExtras) => Promise<ProcedureReport>;

export const PROCEDURE_RUNNERS: { readonly [P in ProcedureName]: Runner<P> } = {
  functional: async (ctx, p) => (await import('../procedures/functional')).functionalCheck(ctx, { randomVectors: p.random, seed: p.seed }),
  march: async (ctx) => (await import('../procedures/march')).marchTest(ctx),
  'adc-transfer': async (ctx, p) => (await import('../procedures/adc-transfer')).adcTransfer(ctx, p),
  'snr-sweep': async (ctx, p) => (await import('../procedures/snr-sweep')).snrSweep(ctx, p),
  'power-per-mode': async (ctx, p) => (await import('../procedures/power-per-mode')).powerPerMode(ctx, p),
  'osa-points': async (ctx, p) => (await import('../procedures/osa-points')).osaPoints(ctx, p),
  repeatability: async (ctx, p, extras) => {
    const { repeatability } = await import('../procedures/repeatability');
    const config = { mode: p.mode, boundary: p.boundary };
    resolveMode(ctx.profile, config);
    const others = await Promise.all(p.also.map((spec) => extras.openOther(spec)));
    try {
      return await repeatability(ctx, { ...p, config, boards: [ctx.board, ...others] });
    } finally {
      await Promise.all(others.map((b) => b.dispose()));
    }
  },
};
