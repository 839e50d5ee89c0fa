// SRAM march test (spec section 5 item 2) through weight write and read-back: a March C- over
// rows with solid and checkerboard backgrounds. Every cell is written and read at 0 and at 1, so
// a cell stuck at either value shows; the result is the stuck-cell map.
import type { MarchSummary, ProcedureReportOf } from '../../shared/api/procedure-reports';
import type { ProcedureContext } from './context';
import { finishParent, startParent } from './context';

export type StuckCell = MarchSummary['stuckCells'][number];

export async function marchTest(ctx: ProcedureContext): Promise<ProcedureReportOf<'march'>> {
  const parent = startParent(ctx, 'march', {});
  const { rows, outputs, weightBits: bw } = ctx.profile;
  const conn = await ctx.board.connect();
  const mask = 2 ** bw - 1;
  const toSigned = (u: number) => (u >= 2 ** (bw - 1) ? u - 2 ** bw : u);
  // backgrounds: solid 0, solid 1, and the two checkerboards (alternating by row and column)
  const checker = (r: number, m: number, phase: number) => {
    let u = 0;
    for (let j = 0; j < bw; j++) if ((r + m * bw + j + phase) % 2 === 1) u |= 1 << j;
    return u;
  };
  const backgrounds: [string, (r: number, m: number) => number][] = [
    ['solid 0', () => 0],
    ['solid 1', () => mask],
    ['checkerboard', (r, m) => checker(r, m, 0)],
    ['inverse checkerboard', (r, m) => checker(r, m, 1)],
  ];
  const found = new Map<string, StuckCell>();
  const tested: MarchSummary['backgrounds'] = [];
  try {
    for (const [name, pattern] of backgrounds) {
      const written = Int32Array.from({ length: rows * outputs }, (_, k) => toSigned(pattern(Math.floor(k / outputs), k % outputs)));
      await conn.client.writeWeights(written);
      const read = await conn.client.readWeights();
      let bad = 0;
      for (let k = 0; k < written.length; k++) {
        const diff = ((written[k] as number) ^ (read[k] as number)) & mask;
        for (let j = 0; j < bw; j++) {
          if (!((diff >> j) & 1)) continue;
          bad++;
          const row = Math.floor(k / outputs);
          const column = (k % outputs) * bw + j;
          found.set(`${row}:${column}`, { row, column, stuckAt: (((read[k] as number) >> j) & 1) as 0 | 1 });
        }
      }
      tested.push({ background: name, bitsWrong: bad });
    }
  } finally {
    await conn.client.close();
  }
  const cells = [...found.values()].sort((a, b) => a.row - b.row || a.column - b.column);
  ctx.store.event(parent.id, 'march', `${cells.length} stuck cell(s)`);
  return finishParent(ctx, parent, 'march', cells.length === 0, { cells: rows * outputs * bw, backgrounds: tested, stuckCells: cells });
}
