// A run: stream a vector set through the board in batches, evaluate the model on the same inputs,
// compare, and commit one transaction per batch, so nothing measured is lost. A disconnect
// interrupts the run; when the same board is back it resumes from the last committed batch.
import { compareWithModel } from '../../shared/analysis/compare';
import { RunFiguresAccumulator, type RunFigures } from '../../shared/analysis/run-figures';
import type { Clock } from '../../shared/clock';
import { createDieModel } from '../../shared/model/evaluator';
import { intMatrix, type IntMatrix } from '../../shared/model/matrix';
import { ModeConfigError, resolveMode, type ModeConfig } from '../../shared/model/modes';
import type { DieProfile } from '../../shared/model/profile';
import { resultLayout } from '../../shared/protocol/data-blocks';
import type { BoardRunConfig } from '../../shared/protocol/payloads';
import { contentHash } from '../../shared/workload/content-hash';
import type { VectorSource } from '../../shared/workload/vector-source';
import { streamBatches, type StreamedBatch } from '../../drivers/client/batch-stream';
import { BoardDisconnectedError, BoardUnresponsiveError } from '../../drivers/client/errors';
import type { BoardConnection, BoardLink } from '../board/board-link';
import { inlineBlockWriter, type BlockWriter } from '../store/block-writer';
import type { RunStore } from '../store/run-store';
import { provenance } from './provenance';

export interface RunRequest {
  readonly profile: DieProfile;
  readonly config: ModeConfig;
  readonly weights: IntMatrix;
  readonly vectors: VectorSource;
  readonly source: { readonly generator: string | null; readonly seed: number | null };
  readonly repeat?: number;
  readonly batchVectors?: number;
  readonly kind?: string;
  readonly label?: string;
  readonly parentId?: number;
  /** keep the raw wire lines (default: runs up to 100,000 vectors) */
  readonly logWire?: boolean;
  /** the calibration record this run applies: measured codes are read through it per ADC column (checked against the die on the board) */
  readonly calibrationId?: number;
}

export interface RunProgress {
  readonly runId: number;
  readonly vectorsDone: number;
  readonly vectorsTotal: number;
  /** vectors per second over the last few batches */
  readonly rate: number;
  readonly etaSeconds: number | null;
  readonly state: 'running' | 'interrupted' | 'paused';
  /** the run's figures so far, measured beside modelled; null before the first batch */
  readonly live: RunFigures | null;
}

export interface RunSummary extends RunFigures {
  readonly runId: number;
  readonly guid: string;
  readonly state: 'completed' | 'aborted' | 'failed' | 'interrupted';
  readonly reason: string | null;
  readonly vectors: number;
  readonly outputs: number;
  readonly resumes: number;
}

export interface RunDeps {
  readonly store: RunStore;
  /** commits blocks (default: inline, in this thread) */
  readonly writer?: BlockWriter;
  readonly board: BoardLink;
  readonly clock: Clock;
  readonly onProgress?: (p: RunProgress) => void;
  /** how long to wait for the same board to come back after a disconnect (0: do not wait) */
  readonly resumeWithinMs?: number;
  /** least time between progress reports (a few a second for a UI; 0 reports every batch) */
  readonly progressEveryMs?: number;
  /** the bench session the run belongs to */
  readonly sessionId?: number;
  /** ask the board for idle rail telemetry every this many ms and log it (0: off) */
  readonly telemetryMs?: number;
}

/** Pause, resume and abort a run in flight; checked between batches. */
export class RunControl {
  private paused: { promise: Promise<void>; resolve: () => void } | null = null;
  aborted = false;

  pause(): void {
    if (this.paused) return;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.paused = { promise, resolve };
  }

  resume(): void {
    this.paused?.resolve();
    this.paused = null;
  }

  abort(): void {
    this.aborted = true;
    this.resume();
  }

  get isPaused(): boolean {
    return this.paused !== null;
  }

  waitWhilePaused(): Promise<void> {
    return this.paused?.promise ?? Promise.resolve();
  }
}

const PROGRESS_EVERY_MS = 250;
const RECONNECT_EVERY_MS = 200;

export function boardRunConfig(profile: DieProfile, config: ModeConfig): BoardRunConfig {
  return {
    mode: config.mode,
    boundary: config.mode === 'hcim' ? config.boundary : undefined,
    skip: config.mode === 'hcim' ? (config.skip ?? 0) : undefined,
    levels: profile.levels,
    thresholds: profile.thresholds,
    salientInputBits: profile.salientInputBits,
  };
}

export async function executeRun(req: RunRequest, deps: RunDeps, control = new RunControl()): Promise<RunSummary> {
  const { store, clock } = deps;
  const { profile, config, weights, vectors } = req;
  resolveMode(profile, config); // a bad configuration is refused before anything reaches the board
  const model = createDieModel(profile, weights);
  const repeat = req.repeat ?? 1;
  const total = vectors.rows;
  const logWire = req.logWire ?? total <= 100_000;
  if (vectors.cols !== profile.rows) throw new RangeError(`vectors have ${vectors.cols} inputs, the profile has ${profile.rows} rows`);
  const vectorSet = store.putVectorSet(vectors, req.source.generator, req.source.seed);
  // the run streams the set as stored: what is sent is provably what the hash names, and a
  // generated workload is not made a second time
  const stored = store.vectorSet(vectorSet);
  if (!stored) throw new Error(`vector set ${vectorSet} was not stored`);
  const weightSet = contentHash(weights);
  store.putWeightSet(weightSet, weights, req.source.generator, req.source.seed);

  let conn: BoardConnection = await deps.board.connect();
  const caps = conn.client.capabilities;
  for (const [k, want] of [['rows', profile.rows], ['outputs', profile.outputs], ['inputBits', profile.inputBits], ['weightBits', profile.weightBits], ['adcBits', profile.adcBits]] as const) {
    if (caps[k] !== want) {
      await conn.client.close();
      throw new Error(`the die profile does not match the board: ${k} is ${want} in the profile, ${caps[k]} on ${deps.board.description}`);
    }
  }
  const calibration = req.calibrationId === undefined ? null : store.calibration(req.calibrationId);
  if (req.calibrationId !== undefined) {
    const columns = profile.outputs * profile.weightBits;
    const problem = !calibration
      ? `no calibration record ${req.calibrationId} in ${store.path}`
      : calibration.dieId !== conn.client.identity.dieId
        ? `calibration ${req.calibrationId} was measured on die ${calibration.dieId}, the board carries ${conn.client.identity.dieId}`
        : calibration.gain.length !== columns || calibration.offsetLsb.length !== columns
          ? `calibration ${req.calibrationId} has ${calibration.gain.length} columns, the profile ${columns} (outputs x weight bits)`
          : !calibration.gain.every((g) => Number.isFinite(g) && g > 0)
            ? `calibration ${req.calibrationId} has a column gain that is not a positive number`
            : null;
    if (problem) {
      await conn.client.close();
      throw new ModeConfigError('--calibration', problem);
    }
  }
  const batchVectors = Math.min(req.batchVectors ?? 4096, Math.floor(caps.vectorCapacity / 2), Math.floor(caps.resultCapacity / repeat));
  const runConfig = boardRunConfig(profile, config);
  const { id: runId, guid } = store.createRun({
    kind: req.kind ?? 'run',
    label: req.label,
    parentId: req.parentId,
    sessionId: deps.sessionId,
    mode: config.mode,
    config: { ...config, repeat, batchVectors, profile },
    provenance: provenance({ identity: conn.client.identity, profile, config, vectorSet, weightSet, source: req.source, calibration: calibration && { id: calibration.id, guid: calibration.guid } }),
    vectorSet,
    weightSet,
    calibrationId: calibration?.id,
    vectorsTotal: total,
    repeat,
  });
  store.event(runId, 'connect', `${deps.board.description}: ${JSON.stringify(conn.client.identity)}`);
  if (deps.sessionId !== undefined) store.setSessionBoard(deps.sessionId, conn.client.identity);

  const figures = new RunFiguresAccumulator(profile);
  let done = 0;
  let block = 0;
  let resumes = 0;
  const rateWindow: { at: number; done: number }[] = [{ at: clock.now(), done: 0 }];
  let lastProgress = -Infinity;
  const progress = (state: RunProgress['state'], force = false) => {
    const now = clock.now();
    if (!force && now - lastProgress < (deps.progressEveryMs ?? PROGRESS_EVERY_MS)) return;
    lastProgress = now;
    rateWindow.push({ at: now, done });
    while (rateWindow.length > 8) rateWindow.shift();
    const first = rateWindow[0] as { at: number; done: number };
    const rate = now > first.at ? ((done - first.done) * 1000) / (now - first.at) : 0;
    deps.onProgress?.({ runId, vectorsDone: done, vectorsTotal: total, rate, etaSeconds: rate > 0 ? (total - done) / rate : null, state, live: figures.batchesSeen ? figures.figures() : null });
  };

  const writer = deps.writer ?? inlineBlockWriter(store);
  const commit = async (b: StreamedBatch) => {
    const slice = intMatrix(b.count, profile.rows, b.vectors);
    const expected = model.evaluate(slice, config, { codes: true });
    // a calibration, when the run has one, corrects the measured codes per ADC column; the raw codes are stored
    const cmp = compareWithModel(profile, model.geometry, expected, b.results, calibration);
    const n = b.results.count * profile.outputs;
    const rep = (arr: ArrayLike<number>, make: (len: number) => Float64Array | Uint8Array) => {
      const out = make(n);
      for (let i = 0; i < n; i++) out[i] = arr[i % arr.length] as number;
      return out;
    };
    const codes = new Int8Array(b.results.codes.length);
    codes.set(b.results.codes);
    const railPj = (b.report.railMw.VDD_DIG + b.report.railMw.VDD_ANA) * b.report.burstUs; // mW x us = nJ
    const wire = conn.wire.take();
    await writer.write(
      runId,
      {
        block,
        firstVector: b.first,
        vectors: b.count,
        repeat,
        outputs: profile.outputs,
        planes: model.geometry.planes,
        digital: Int32Array.from(b.results.digital),
        saliency: Int32Array.from(b.results.saliency),
        level: b.results.level,
        codes,
        yhat: cmp.yhat,
        modelYhat: rep(expected.yhat, (l) => new Float64Array(l)) as Float64Array,
        modelLevel: rep(expected.level, (l) => new Uint8Array(l)) as Uint8Array,
        exact: rep(expected.exact, (l) => new Float64Array(l)) as Float64Array,
        summary: cmp,
        power: { burstUs: b.report.burstUs, dieTempC: b.report.dieTempC, vddDigMw: b.report.railMw.VDD_DIG, vddAnaMw: b.report.railMw.VDD_ANA, vddSramMw: b.report.railMw.VDD_SRAM },
      },
      logWire ? wire : null,
    );
    block++;
    done = b.first + b.count;
    figures.add(cmp, railPj * 1000, b.report.dieTempC);
    progress('running');
  };

  const finish = async (ending: RunSummary['state'], why: string | null): Promise<RunSummary> => {
    let state = ending;
    let reason = why;
    // what the link went through: resends, NAKs, corrupt lines, duplicates, timeouts
    store.event(runId, 'link', JSON.stringify({ ...conn.client.stats, resumes }));
    try {
      await writer.flush(); // a run is finished when its last block is committed
    } catch (e) {
      state = 'failed';
      reason = (e as Error).message;
    }
    const summary: RunSummary = { runId, guid, state, reason, vectors: done, outputs: profile.outputs, ...figures.figures(), resumes };
    store.setState(runId, state, reason, summary);
    progress(state === 'interrupted' ? 'interrupted' : 'running', true);
    return summary;
  };

  const prepare = async (c: BoardConnection) => {
    if (deps.telemetryMs) {
      c.client.onTelemetry((t) => {
        try {
          store.telemetry(deps.sessionId ?? null, t);
        } catch {
          // telemetry is best effort: a busy store must not stop the run
        }
      });
      await c.client.setTelemetry(deps.telemetryMs);
    }
    await c.client.configure(runConfig);
    await c.client.writeWeights(weights.data);
    c.wire.take();
  };

  try {
    await prepare(conn);
    for (;;) {
      try {
        await streamBatches(conn.client, stored, {
          layout: resultLayout(caps, runConfig),
          batchVectors,
          repeat,
          startVector: done,
          firstBatchId: block + 1 + resumes * 1_000_000,
          onBatch: commit,
          shouldStop: () => control.isPaused || control.aborted,
        });
        if (control.aborted) {
          await conn.client.close();
          return await finish('aborted', 'aborted by the user');
        }
        if (done >= total) {
          await conn.client.close();
          return await finish('completed', null);
        }
        // paused between batches: wait, then stream on from the last committed batch
        progress('paused', true);
        store.event(runId, 'pause', `after ${done} vectors`);
        await control.waitWhilePaused();
        store.event(runId, 'resume', control.aborted ? 'to abort' : `from vector ${done}`);
        if (control.aborted) {
          await conn.client.close();
          return await finish('aborted', 'aborted by the user');
        }
      } catch (e) {
        if (!(e instanceof BoardDisconnectedError || e instanceof BoardUnresponsiveError)) throw e;
        const reason = e.message;
        store.setState(runId, 'interrupted', reason);
        store.event(runId, 'disconnect', reason);
        progress('interrupted', true);
        await conn.client.close().catch(() => undefined);
        const back = await reconnect(deps, control);
        if (!back) return await finish('interrupted', reason);
        conn = back;
        resumes++;
        store.setState(runId, 'running', null);
        store.event(runId, 'resume', `same board back; resuming from vector ${done} (block ${block})`);
        await prepare(conn);
      }
    }
  } catch (e) {
    await conn.client.close().catch(() => undefined);
    try {
      await finish('failed', (e as Error).message);
    } catch {
      // the store itself failed: nothing more can be written; committed batches are intact
    }
    throw e;
  }
}

async function reconnect(deps: RunDeps, control: RunControl): Promise<BoardConnection | null> {
  const until = deps.clock.now() + (deps.resumeWithinMs ?? 0);
  while (deps.clock.now() < until && !control.aborted) {
    try {
      return await deps.board.connect();
    } catch {
      await new Promise<void>((r) => deps.clock.setTimeout(r, RECONNECT_EVERY_MS));
    }
  }
  return null;
}
