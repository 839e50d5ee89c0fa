// Streaming an accepted run to its end.
//
// Nothing the board returns counts as silicon unless the board was in the configuration the run
// asked for: before its first batch the run verifies the configuration (board-setup.ts), and a
// batch is committed only if the board is still in the boot that set-up was verified in. A reboot
// sets the board up again and a disconnect waits for the same board; both go on from the last
// batch handed to the store.
import { blockSample } from '../../shared/analysis/block-sample';
import { compareWithModel } from '../../shared/analysis/compare';
import { createDieModel } from '../../shared/model/evaluator';
import { intMatrix, type IntMatrix } from '../../shared/model/matrix';
import type { ModeConfig } from '../../shared/model/modes';
import type { DieProfile } from '../../shared/model/profile';
import { resultLayout } from '../../shared/protocol/data-blocks';
import { ERR } from '../../shared/protocol/payloads';
import type { VectorSource } from '../../shared/workload/vector-source';
import { streamBatches, type StreamedBatch } from '../../drivers/client/batch-stream';
import { BoardDisconnectedError, BoardError, BoardRebootedError, BoardUnresponsiveError } from '../../drivers/client/errors';
import type { PipeStats } from '../../drivers/client/request-pipe';
import type { BoardConnection } from '../board/board-link';
import type { BlockPower } from '../store/run-store';
import { boardRunConfig, setUpBoard, type BoardSetup } from './board-setup';
import type { RunControl } from './run-control';
import type { Calibration } from './run-checks';
import type { RunDeps, RunSummary } from './run-engine';
import type { RunOutput } from './run-output';

const RECONNECT_EVERY_MS = 200;
/** a board that reboots this often without one batch in between is broken, not unlucky */
const MAX_REBOOTS_IN_A_ROW = 5;
/** board batch ids of each set-up start this far apart, so that no id meets results kept from before */
const BATCH_ID_EPOCH = 1_000_000;

/** What a run streams with, fixed when it starts (or is taken up again). */
export interface ActiveRun {
  readonly runId: number;
  readonly guid: string;
  readonly profile: DieProfile;
  readonly config: ModeConfig;
  readonly weights: IntMatrix;
  readonly vectors: VectorSource;
  readonly repeat: number;
  readonly batchVectors: number | undefined;
  readonly logWire: boolean;
  readonly calibration: Calibration | null;
  readonly sessionId: number | null;
}

/** Everything a run or a taken-up run shares once it streams: set-up, batches, recovery, ending. */
export async function drive(
  run: ActiveRun,
  start: { vectors: number; nextBlock: number },
  out: RunOutput,
  first: BoardConnection,
  deps: RunDeps,
  control: RunControl,
): Promise<RunSummary> {
  const { store, clock } = deps;
  const { runId, profile, repeat } = run;
  const total = run.vectors.rows;
  const figures = out.figures;
  const model = createDieModel(profile, run.weights);
  const runConfig = boardRunConfig(profile, run.config);
  const layout = resultLayout(first.client.capabilities, runConfig);
  const caps = first.client.capabilities;
  const maxBatchVectors = Math.min(Math.floor(caps.vectorCapacity / 2), Math.floor(caps.resultCapacity / repeat));

  let conn = first;
  /** vectors handed to the store: the stream goes on from here */
  let submitted = start.vectors;
  let block = start.nextBlock;
  let epoch = 0;
  let resumes = 0;
  let reboots = 0;
  let rebootsInARow = 0;
  let setup: BoardSetup | null = null;
  const link = linkTally();
  const listen = (c: BoardConnection) => {
    c.client.onBoot((identity) => out.event('boot', `the board announced a boot: ${identity}`));
    if (!deps.telemetryMs) return;
    c.client.onTelemetry((t) => {
      try {
        store.telemetry(run.sessionId, t);
      } catch {
        // telemetry is best effort: a busy store must not stop the run
      }
    });
  };

  const prepare = async (c: BoardConnection): Promise<BoardSetup> => {
    const s = await setUpBoard(c.client, runConfig, run.weights.data, deps.telemetryMs ?? 0);
    c.wire.take(); // the set-up is not part of any batch
    const cells = s.weightCellsDiffering ? `; ${s.weightCellsDiffering} weight cell(s) read back otherwise than written (stuck cells?)` : '';
    out.event('configured', `verified on boot ${s.bootId}: CFG? ${JSON.stringify(s.config)}; weights read back${cells}`);
    return s;
  };

  const commit = async (b: StreamedBatch, bootId: number) => {
    // the results count only if the board is still in the boot its configuration was verified in
    const now = await conn.client.bootId();
    if (now !== bootId) throw new BoardRebootedError(conn.client.label, `boot id ${bootId} at set-up, ${now} after batch ${b.batch}`);
    const slice = intMatrix(b.count, profile.rows, b.vectors);
    const expected = model.evaluate(slice, run.config, { codes: true });
    // a calibration, when the run has one, corrects the measured codes per ADC column; the raw codes are stored
    const { yhat, ...cmp } = compareWithModel(profile, model.geometry, expected, b.results, run.calibration);
    // the scatter's few pairs and the residual histograms go with the block; the per-MAC yhat does not (the writer thread would copy it)
    const sample = blockSample(profile, model.geometry, expected, b.results, yhat, run.calibration);
    const power: BlockPower = {
      burstUs: b.report.burstUs,
      dieTempC: b.report.dieTempC,
      vddDigMw: b.report.railMw.VDD_DIG,
      vddAnaMw: b.report.railMw.VDD_ANA,
      vddSramMw: b.report.railMw.VDD_SRAM,
    };
    const wire = conn.wire.take();
    const end = b.first + b.count;
    await out.batch(
      {
        block,
        firstVector: b.first,
        vectors: b.count,
        repeat,
        outputs: profile.outputs,
        planes: model.geometry.planes,
        // as the board sent them (sums may pass int32, codes up to 12 bits): the batch's own buffers, which the writer takes
        digital: b.results.digital,
        saliency: b.results.saliency,
        level: b.results.level,
        codes: b.results.codes,
        summary: { ...cmp, sample },
        power,
      },
      run.logWire ? wire : null,
    );
    block++;
    submitted = end;
    rebootsInARow = 0;
  };

  const finish = async (ending: RunSummary['state'], why: string | null): Promise<RunSummary> => {
    let state = ending;
    let reason = why;
    await conn.client.close().catch(() => undefined);
    try {
      await out.flush(); // a run is finished when its last block is committed
    } catch (e) {
      state = 'failed';
      reason = (e as Error).message;
    }
    // what the link went through over every connection: resends, NAKs, corrupt lines, timeouts
    store.event(runId, 'link', JSON.stringify({ ...link.total(conn.client.stats), resumes, reboots }));
    const summary: RunSummary = { runId, guid: run.guid, state, reason, vectors: out.committed, outputs: profile.outputs, ...figures.figures(), resumes, reboots };
    out.stop(state, reason, summary);
    return summary;
  };

  listen(conn);
  try {
    for (;;) {
      try {
        setup ??= await prepare(conn);
        const bootId = setup.bootId;
        epoch++;
        await streamBatches(conn.client, run.vectors, {
          layout,
          batchVectors: run.batchVectors,
          maxBatchVectors,
          clock,
          repeat,
          startVector: submitted,
          firstBatchId: epoch * BATCH_ID_EPOCH + 1,
          onBatch: (b) => commit(b, bootId),
          shouldStop: () => control.isPaused || control.aborted,
        });
        if (control.aborted) return await finish('aborted', 'aborted by the user');
        if (submitted >= total) return await finish('completed', null);
        // paused between batches: wait, then stream on from the last batch handed to the store
        await out.flush();
        out.setState('paused');
        out.event('pause', `after ${submitted} vectors`);
        await control.waitWhilePaused();
        out.setState('running');
        out.event('resume', control.aborted ? 'to abort' : `from vector ${submitted}`);
        if (control.aborted) return await finish('aborted', 'aborted by the user');
      } catch (e) {
        const fault = await classify(e, conn, setup);
        if (fault === 'reboot') {
          reboots++;
          if (++rebootsInARow > MAX_REBOOTS_IN_A_ROW)
            throw new Error(`the board rebooted ${rebootsInARow} times without a batch in between; last: ${(e as Error).message}`);
          out.event('reboot', `${(e as Error).message}; setting the board up again and going on from vector ${submitted}`);
          setup = null;
          continue;
        }
        if (fault !== 'link') throw e;
        const reason = (e as Error).message;
        out.setState('resuming', reason, deps.resumeWithinMs ?? 0);
        out.event('disconnect', reason);
        link.add(conn.client.stats);
        await conn.client.close().catch(() => undefined);
        const back = await reconnect(deps, control, (refused) => out.event('refused', refused.message));
        if (!back.conn) return await finish('interrupted', back.lastError ? `${reason}; the board was not found again: ${back.lastError.message}` : reason);
        conn = back.conn;
        listen(conn);
        resumes++;
        setup = null;
        out.setState('running');
        out.event('resume', `same board back${deps.board.lastPath ? ` on ${deps.board.lastPath}` : ''}; going on from vector ${submitted} (block ${block})`);
      }
    }
  } catch (e) {
    try {
      await finish('failed', (e as Error).message);
    } catch {
      // the store itself failed: nothing more can be written; committed batches are intact
    }
    throw e;
  }
}

/**
 * What went wrong, for recovery: a reboot (set the board up again), a lost link (wait for the
 * board), or anything else (the run fails). A refused RUN (not configured) or RES? (no results)
 * is a reboot when the boot id has changed since the set-up.
 */
async function classify(e: unknown, conn: BoardConnection, setup: BoardSetup | null): Promise<'reboot' | 'link' | 'fatal'> {
  if (e instanceof BoardRebootedError) return 'reboot';
  if (e instanceof BoardDisconnectedError || e instanceof BoardUnresponsiveError) return 'link';
  if (e instanceof BoardError && setup && (e.code === ERR.NOT_CONFIGURED || e.code === ERR.NO_RESULTS)) {
    try {
      return (await conn.client.bootId()) !== setup.bootId ? 'reboot' : 'fatal';
    } catch (asked) {
      return asked instanceof BoardDisconnectedError || asked instanceof BoardUnresponsiveError ? 'link' : 'fatal';
    }
  }
  return 'fatal';
}

/** Link counters summed over every connection of a run. */
function linkTally() {
  const sum: Record<string, number> = {};
  const addInto = (to: Record<string, number>, s: Readonly<PipeStats>) => {
    for (const [k, v] of Object.entries(s)) if (typeof v === 'number') to[k] = (to[k] ?? 0) + v;
    return to;
  };
  return {
    /** a connection that has ended */
    add: (s: Readonly<PipeStats>) => addInto(sum, s),
    /** the ended connections with the current one */
    total: (current: Readonly<PipeStats>) => addInto({ ...sum }, current),
  };
}

async function reconnect(deps: RunDeps, control: RunControl, onRefused: (e: Error) => void): Promise<{ conn: BoardConnection | null; lastError: Error | null }> {
  const until = deps.clock.now() + (deps.resumeWithinMs ?? 0);
  let lastError: Error | null = null;
  while (deps.clock.now() < until && !control.aborted) {
    try {
      return { conn: await deps.board.connect(), lastError: null };
    } catch (e) {
      // a different board where ours was is said once in the log, not at every retry
      if ((e as Error).name === 'WrongBoardError' && (e as Error).message !== lastError?.message) onRefused(e as Error);
      lastError = e as Error;
      await new Promise<void>((r) => deps.clock.setTimeout(r, RECONNECT_EVERY_MS));
    }
  }
  return { conn: null, lastError };
}
