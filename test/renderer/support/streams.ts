// Run documents as the engine sends them, made to order: a measurement run (start, descriptor,
// status with events, batches, stop) and a procedure (an snr-sweep with its child runs), with the
// figures of a real simulated run.
import type { WireDocument } from '../../../shared/api/rpc';

type Doc<T extends WireDocument['type']> = Extract<WireDocument, { type: T }>;

const T0 = Date.parse('2026-01-01T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

export function startDoc(runId: number, seq: number, o: Partial<Doc<'start'>> = {}): Doc<'start'> {
  return {
    type: 'start',
    runId,
    seq,
    guid: `guid-${runId}-0000`,
    kind: 'run',
    label: null,
    parentId: null,
    mode: 'osa',
    config: { mode: 'osa', repeat: 1, batchVectors: 400 },
    provenance: { stimulus: { generator: 'relu', seed: 1 } },
    vectorSet: 'sha256:v',
    weightSet: 'sha256:w',
    vectorsTotal: 2000,
    repeat: 1,
    calibrationId: null,
    time: at(0),
    ...o,
  };
}

export function statusDoc(runId: number, seq: number, o: Partial<Doc<'status'>> = {}): Doc<'status'> {
  return { type: 'status', runId, seq, state: 'running', vectorsDone: 0, vectorsTotal: 2000, rate: 0, etaSeconds: null, step: null, event: null, time: at(seq), ...o };
}

export function batchDoc(runId: number, seq: number, block: number, vectors = 400, snrDb: number | null = 17.6): Doc<'batch'> {
  return {
    type: 'batch',
    runId,
    seq,
    block,
    firstVector: block * vectors,
    vectors,
    repeat: 1,
    outputs: 8,
    planes: 64,
    figures: {
      macs: vectors * 8,
      digitalMismatches: 0,
      levelAgreements: vectors * 8,
      signalSq: 1.4e12,
      errorSq: 2.5e10,
      modelErrorSq: 3e10,
      yhatResidualMin: -16000,
      yhatResidualMax: 18000,
      codeResidualCount: 140_000,
      codeResidualSum: 4000,
      codeResidualSq: 14_000,
      codeResidualMin: -1,
      codeResidualMax: 1,
      modelEnergyPj: 84_000,
    },
    power: { burstUs: 32, dieTempC: 27 + block * 0.01, vddDigMw: 1.45, vddAnaMw: 1.22, vddSramMw: 0.15 },
    run: {
      macs: (block + 1) * vectors * 8,
      snrDb,
      modelSnrDb: 16.8,
      levelAgreement: 0.999,
      digitalMismatches: 0,
      codeResidualMeanLsb: 0.029,
      codeResidualRmsLsb: 0.324,
      measuredPjPerMac: 26.8,
      modelPjPerMac: 26.5,
      gainVsDcim: 1.9,
      modelGainVsDcim: 1.93,
      dieTempC: 27.2,
    },
  };
}

export function runSummary(runId: number, vectors: number, snrDb: number | null = 17.6): Record<string, unknown> {
  return {
    runId,
    guid: `guid-${runId}-0000`,
    state: 'completed',
    reason: null,
    vectors,
    outputs: 8,
    macs: vectors * 8,
    snrDb,
    modelSnrDb: 16.8,
    levelAgreement: 0.999,
    digitalMismatches: 0,
    codeResidualMeanLsb: 0.029,
    codeResidualRmsLsb: 0.324,
    measuredPjPerMac: 26.8,
    modelPjPerMac: 26.5,
    gainVsDcim: 1.9,
    modelGainVsDcim: 1.93,
    dieTempC: 27.2,
    resumes: 0,
    reboots: 0,
  };
}

export function stopDoc(runId: number, seq: number, summary: Record<string, unknown>, state: Doc<'stop'>['state'] = 'completed'): Doc<'stop'> {
  return { type: 'stop', runId, seq, state, reason: state === 'completed' ? null : 'aborted by the operator', summary, time: at(seq) };
}

/** A run of `batches` batches of 400 vectors: start, descriptor, connect event, batches and statuses, a pause and resume midway, stop. */
export function runStream(runId: number, batches = 5): WireDocument[] {
  const total = batches * 400;
  const docs: WireDocument[] = [];
  let seq = 0;
  docs.push(startDoc(runId, seq++, { vectorsTotal: total }));
  docs.push({ type: 'descriptor', runId, seq: seq++, dataKeys: {}, figureUnits: { snrDb: 'dB' } });
  docs.push(statusDoc(runId, seq++, { vectorsTotal: total, event: { kind: 'connect', detail: 'simulated board SIM-DIE-0001' } }));
  for (let b = 0; b < batches; b++) {
    docs.push(batchDoc(runId, seq++, b));
    const done = (b + 1) * 400;
    docs.push(statusDoc(runId, seq++, { vectorsDone: done, vectorsTotal: total, rate: 800, etaSeconds: (total - done) / 800 }));
    if (b === 1) {
      docs.push(statusDoc(runId, seq++, { state: 'paused', vectorsDone: done, vectorsTotal: total, event: { kind: 'pause', detail: `after ${done} vectors` } }));
      docs.push(statusDoc(runId, seq++, { state: 'running', vectorsDone: done, vectorsTotal: total, event: { kind: 'resume', detail: `from vector ${done}` } }));
    }
  }
  docs.push(statusDoc(runId, seq++, { state: 'completed', vectorsDone: total, vectorsTotal: total, rate: 800, etaSeconds: 0 }));
  docs.push(stopDoc(runId, seq++, runSummary(runId, total)));
  return docs;
}

/** An snr-sweep over boundaries `from..to`, one child run of 2 batches each, numbered in the parent's stream. */
export function sweepStream(parentId: number, from = 8, to = 10): WireDocument[] {
  const docs: WireDocument[] = [];
  let seq = 0;
  const params = { workload: 'relu', vectors: 800, seed: 1, from, to, skip: 0 };
  docs.push(
    startDoc(parentId, seq++, { kind: 'snr-sweep', label: 'snr-sweep', mode: 'sweep', config: params, provenance: { procedure: 'snr-sweep', params }, vectorsTotal: 0 }),
  );
  const of = to - from + 1;
  const points: Record<string, unknown>[] = [];
  for (let b = from, i = 1; b <= to; b++, i++) {
    const child = parentId + i;
    const snr = 26 + (9 - b) * 6.5;
    const step = { name: `b=${b}`, index: i, of, sweepEtaSeconds: (of - i + 1) * 2 };
    docs.push(startDoc(child, seq++, { label: `b=${b}`, parentId, mode: 'hcim', config: { mode: 'hcim', boundary: b, skip: 0, repeat: 1 }, vectorsTotal: 800 }));
    docs.push(statusDoc(child, seq++, { vectorsTotal: 800, step, event: { kind: 'connect', detail: 'simulated board' } }));
    docs.push(batchDoc(child, seq++, 0, 400, snr));
    docs.push(statusDoc(child, seq++, { vectorsDone: 400, vectorsTotal: 800, rate: 400, etaSeconds: 1, step }));
    docs.push(batchDoc(child, seq++, 1, 400, snr));
    docs.push(statusDoc(child, seq++, { state: 'completed', vectorsDone: 800, vectorsTotal: 800, rate: 400, etaSeconds: 0, step }));
    docs.push(stopDoc(child, seq++, runSummary(child, 800, snr)));
    points.push({ boundary: b, snrDb: snr, modelSnrDb: snr + 1, measuredPjPerMac: 30 - b, runId: child });
  }
  docs.push(stopDoc(parentId, seq++, { passed: null, points }));
  return docs;
}
