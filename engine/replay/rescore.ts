// Re-scoring (docs/replay-compare.md): a logged run's stimulus and measured results compared with
// the reference model under another die profile or mode configuration, no board. The answer is a
// derived run (kind 'rescore', its parent the source run) whose blocks carry the same measured
// values with the new comparison's summaries, written and streamed as a run's are (RunOutput), so
// it lists, shows, replays and compares as any run.
//
// What "another ADC width" means: the measured codes are what an ADC of the source's width gave;
// re-scoring with a profile of another adcBits reads each code as the same fraction of full scale
// at the new width (code x L_new / L_measured). That reading is stored as a calibration record
// (gain L_measured / L_new per column, times the source's own calibration if it had one), so every
// reader of the derived run (its summaries, blocksWithModel, the comparisons) reads the codes alike:
// the measured yhat is unchanged, the model's is that of an ideal ADC of the new width, and the
// code residual is in the new width's LSB. The derived run's configuration keeps the width the
// codes were measured with (`measuredAdcBits`).
import { readFile } from 'node:fs/promises';
import { FieldError } from '../../shared/api/run-options';
import { blockSample } from '../../shared/analysis/block-sample';
import { compareWithModel, type AdcCalibration } from '../../shared/analysis/compare';
import { RunFiguresAccumulator } from '../../shared/analysis/run-figures';
import type { Clock } from '../../shared/clock';
import { parseJsonText } from '../../shared/io/json-text';
import { createDieModel } from '../../shared/model/evaluator';
import { intMatrix } from '../../shared/model/matrix';
import { resolveMode, type ModeConfig } from '../../shared/model/modes';
import { parseDieProfile, ProfileError, type DieProfile } from '../../shared/model/profile';
import type { BoardIdentity } from '../../shared/protocol/payloads';
import { provenance } from '../run/provenance';
import { RunControl } from '../run/run-control';
import type { RunSummary } from '../run/run-engine';
import { RunOutput } from '../run/run-output';
import type { RunHandle } from '../service/bench-api';
import { DocumentStream } from '../service/document-stream';
import { inlineBlockWriter } from '../store/block-writer';
import { resultBlockOf, type RunStore } from '../store/run-store';
import { readStoredRun, type StoredRun } from '../store/stored-run';
import { measuredAdcBits, readBlock, runCalibration, yielder } from './stored-blocks';

export interface RescoreRequest {
  /** a die profile file whose fields replace the run's own (the others stay as the run had them) */
  readonly profile?: string | undefined;
  /** the same as an object (the API, tests) */
  readonly profileFields?: Record<string, unknown> | undefined;
  readonly mode?: ModeConfig['mode'] | undefined;
  readonly boundary?: number | undefined;
  readonly skip?: number | undefined;
  readonly label?: string | undefined;
}

/** What a re-score compares with, checked before anything is logged. */
export interface RescorePlan {
  readonly source: StoredRun;
  readonly profile: DieProfile;
  readonly config: ModeConfig;
  /** the width the codes were measured with */
  readonly measuredAdcBits: number;
  /** how the codes are read: the source's calibration, and a change of ADC width */
  readonly calibration: {
    readonly id: number | null;
    readonly reading: AdcCalibration | null;
    readonly convert: { readonly gain: Float64Array; readonly offsetLsb: Float64Array } | null;
  };
}

export async function planRescore(store: RunStore, ref: string | number, req: RescoreRequest): Promise<RescorePlan> {
  const source = readStoredRun(store, ref);
  const row = source.row;
  if (row.state === 'running') throw new FieldError('run', `run ${row.id} is still running: re-score it once it has ended`);
  if (store.committedExtent(row.id).vectors === 0) throw new FieldError('run', `run ${row.id} has no committed block: nothing to re-score`);
  const fields: Record<string, unknown> = { ...(req.profile ? await profileFields(req.profile) : {}), ...(req.profileFields ?? {}) };
  const base = source.profile;
  const merged = { ...base, ...fields, energy: { ...base.energy, ...((fields.energy as object | undefined) ?? {}) } };
  const profile = parseDieProfile(merged, req.profile ?? 'profile');
  for (const k of ['rows', 'outputs', 'inputBits', 'weightBits'] as const) {
    if (profile[k] !== base[k])
      throw new FieldError(
        'profile',
        `${k} is ${profile[k]}, run ${row.id} was measured with ${base[k]}: a re-score keeps the die's geometry (its stimulus and its codes are of that geometry)`,
      );
  }
  const mode = req.mode ?? source.config.mode;
  const config: ModeConfig = req.mode
    ? { mode, boundary: req.boundary, skip: req.skip }
    : { mode, boundary: req.boundary ?? source.config.boundary, skip: req.skip ?? source.config.skip };
  resolveMode(profile, config);
  const bits = measuredAdcBits(row, base.adcBits);
  const own = runCalibration(store, row.id);
  let convert: RescorePlan['calibration']['convert'] = null;
  if (profile.adcBits !== bits) {
    const columns = profile.outputs * profile.weightBits;
    const ratio = (2 ** bits - 1) / (2 ** profile.adcBits - 1);
    convert = {
      gain: Float64Array.from({ length: columns }, (_, c) => (own ? (own.gain[c] as number) : 1) * ratio),
      offsetLsb: Float64Array.from({ length: columns }, (_, c) => (own ? (own.offsetLsb[c] as number) : 0)),
    };
  }
  return { source, profile, config, measuredAdcBits: bits, calibration: { id: own?.id ?? null, reading: convert ?? own, convert } };
}

async function profileFields(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ProfileError(path, [`cannot read: ${(e as Error).message}`]);
  }
  const json = parseJsonText(text);
  if (!json.ok) throw new ProfileError(path, [json.problem]);
  if (typeof json.value !== 'object' || json.value === null || Array.isArray(json.value)) throw new ProfileError(path, ['a profile is a JSON object']);
  return json.value as Record<string, unknown>;
}

/**
 * Re-score a logged run: resolves once the derived run is logged (refusals before), with its
 * documents streaming as its blocks are committed; `done` resolves with its summary.
 */
export async function startRescore(store: RunStore, ref: string | number, req: RescoreRequest, clock: Clock, statusEveryMs = 250): Promise<RunHandle<RunSummary>> {
  const plan = await planRescore(store, ref, req);
  const { source, profile, config } = plan;
  const src = source.row;
  const sourceProvenance = src.provenance as { board?: Partial<BoardIdentity>; dieId?: string; stimulus?: { generator: string | null; seed: number | null } };
  const dieId = sourceProvenance.dieId ?? 'unknown';
  let calibrationId = plan.calibration.id;
  if (plan.calibration.convert) {
    const c = plan.calibration.convert;
    calibrationId = store.putCalibration({
      dieId,
      sourceRunId: src.id,
      gain: c.gain,
      offsetLsb: c.offsetLsb,
      notes: `codes of a ${plan.measuredAdcBits}-bit ADC read at ${profile.adcBits} bits, for a re-score of run ${src.id}${plan.calibration.id !== null ? ` through calibration ${plan.calibration.id}` : ''}`,
    }).id;
  }
  const board = sourceProvenance.board ?? {};
  const identity: BoardIdentity = {
    vendor: board.vendor ?? 'unknown',
    serial: board.serial ?? 'unknown',
    firmware: board.firmware ?? 'unknown',
    bitstream: board.bitstream ?? 'unknown',
    protocol: board.protocol ?? 0,
    dieId,
  };
  const vectorsTotal = store.committedExtent(src.id).vectors;
  const calibrationRecord = calibrationId === null ? null : store.calibrationRecord(calibrationId);
  const { id: runId, guid } = store.createRun({
    kind: 'rescore',
    label: req.label ?? `re-score of run ${src.id}`,
    parentId: src.id,
    mode: config.mode,
    config: { ...config, repeat: source.repeat, batchVectors: source.batchVectors ?? null, profile, measuredAdcBits: plan.measuredAdcBits },
    provenance: {
      ...provenance({
        identity,
        profile,
        config,
        vectorSet: src.vectorSet ?? '',
        weightSet: src.weightSet ?? '',
        source: sourceProvenance.stimulus ?? { generator: null, seed: null },
        calibration: calibrationRecord && { id: calibrationRecord.id, guid: calibrationRecord.guid },
      }),
      rescore: {
        sourceRunId: src.id,
        sourceGuid: src.guid,
        sourceProfile: source.profile,
        sourceConfig: source.config,
        measuredAdcBits: plan.measuredAdcBits,
        adcConversion: plan.calibration.convert ? { fromBits: plan.measuredAdcBits, toBits: profile.adcBits } : null,
        sourceCalibrationId: plan.calibration.id,
      },
    },
    vectorSet: src.vectorSet,
    weightSet: src.weightSet,
    vectorsTotal,
    repeat: source.repeat,
    calibrationId: calibrationId ?? undefined,
  });

  const stream = new DocumentStream();
  const control = new RunControl();
  const out = new RunOutput(
    runId,
    vectorsTotal,
    new RunFiguresAccumulator(profile),
    { store, writer: inlineBlockWriter(store), clock, emit: (d) => stream.emit(d), statusEveryMs },
    0,
  );
  const controls = {
    pause: () => control.pause(),
    resume: () => control.resume(),
    abort: () => control.abort(),
    get isPaused() {
      return control.isPaused;
    },
  };
  const run = async (): Promise<RunSummary> => {
    const summary = (state: RunSummary['state'], reason: string | null): RunSummary => ({
      runId,
      guid,
      state,
      reason,
      vectors: out.committed,
      outputs: profile.outputs,
      ...out.figures.figures(),
      resumes: 0,
      reboots: 0,
    });
    try {
      await Promise.resolve(); // the caller subscribes first
      out.started(profile.outputs, profile.inputBits * profile.weightBits);
      const model = createDieModel(profile, source.weights);
      const pause = yielder();
      // block by block, each read on its own: the store takes no write while a read iterates
      for (const record of store.blockSummaries(src.id)) {
        if (control.isPaused) {
          out.setState('paused');
          await control.waitWhilePaused();
          out.setState('running');
        }
        if (control.aborted) break;
        const b = readBlock(store, src.id, record);
        const expected = model.evaluate(intMatrix(b.vectors, profile.rows, source.vectors.read(b.firstVector, b.vectors)), config, { codes: true });
        const measured = resultBlockOf(b);
        const { yhat, ...cmp } = compareWithModel(profile, model.geometry, expected, measured, plan.calibration.reading);
        // the live plots' sample and histograms, as a measured run's blocks have them (drive.ts)
        const sample = blockSample(profile, model.geometry, expected, measured, yhat, plan.calibration.reading);
        await out.batch({ ...b, summary: { ...cmp, sample } }, null);
        await pause();
      }
      const s = summary(control.aborted ? 'aborted' : 'completed', control.aborted ? 'aborted by the user' : null);
      out.stop(s.state, s.reason, s);
      return s;
    } catch (e) {
      try {
        out.stop('failed', (e as Error).message, summary('failed', (e as Error).message));
      } catch {
        // the store itself failed: nothing more can be written
      }
      throw e;
    }
  };
  const done = run().finally(() => stream.end());
  done.catch(() => undefined);
  return { runId, guid, documents: stream, control: controls, done };
}
