// Comparisons as the engine answers them (shared/api/compare.ts), small: a die of 2 outputs x 2
// weight bits with a stuck cell and a threshold misfire, and two runs of different dies compared.
import { runComparisonSchema, runsComparisonSchema, type Histogram, type RunComparison, type RunsComparison } from '../../shared/api/compare';

export function histogram(counts: number[], lo = -2, binWidth = 1): Histogram {
  const total = counts.reduce((a, b) => a + b, 0);
  return { lo, hi: lo + counts.length * binWidth, binWidth, counts, underflow: 0, overflow: 0, total, mean: 0.1, sd: 0.9, min: lo, max: lo + counts.length * binWidth };
}

const figures = (snrDb: number) => ({
  macs: 16_000,
  snrDb,
  modelSnrDb: 16.8,
  levelAgreement: 0.998,
  digitalMismatches: 3,
  codeResidualMeanLsb: 0.03,
  codeResidualRmsLsb: 0.33,
  measuredPjPerMac: 26.8,
  modelPjPerMac: 26.5,
  gainVsDcim: 1.9,
  modelGainVsDcim: 1.93,
  dieTempC: 27.2,
});

const run = (runId: number, dieId: string, vectorSet = 'sha256:v') => ({
  runId,
  guid: `guid-${runId}`,
  kind: 'run',
  label: `die ${dieId}`,
  parentId: null,
  mode: 'osa',
  dieId,
  vectorSet,
  weightSet: 'sha256:w',
  vectors: 2000,
  repeat: 1,
});

const columns = [0, 1, 2, 3].map((column) => ({
  column,
  output: Math.floor(column / 2),
  weightBit: column % 2,
  count: 1000,
  meanLsb: column === 3 ? 1.5 : 0.02 * column,
  sdLsb: 0.3 + 0.1 * column,
  minLsb: -2,
  maxLsb: 3,
  gain: 1,
  offsetLsb: 0,
  fitSdLsb: 0.3,
  zeroFraction: 0.1,
  idealZeroFraction: 0.1,
  topFraction: 0,
  idealTopFraction: 0,
}));

export function runComparison(runId = 7): RunComparison {
  return runComparisonSchema.parse({
    kind: 'run',
    run: run(runId, 'SIM-DIE-0001'),
    geometry: { rows: 64, outputs: 2, inputBits: 4, weightBits: 2, adcBits: 6, measuredAdcBits: 6 },
    config: { mode: 'osa', boundary: null, skip: null },
    macs: 4000,
    figures: figures(17.6),
    yhatResidual: histogram([1, 10, 100, 12, 2]),
    yhatError: histogram([2, 20, 90, 20, 2]),
    modelYhatError: histogram([1, 22, 95, 15, 1]),
    codeResidual: histogram([5, 50, 900, 40, 5]),
    planes: [0, 1, 2, 3].map((plane) => ({ plane, inputBit: plane >> 1, weightBit: plane & 1, count: 500, meanLsb: 0.01 * plane, sdLsb: 0.3, minLsb: -1, maxLsb: 1 })),
    columns,
    transfer: [0, 8, 16, 24, 32].map((p) => ({ popcount: p, count: 100, meanCode: p / 2 + 0.2, sdCode: 0.3, idealCode: p / 2 })),
    levels: {
      levels: 2,
      perLevel: [
        { level: 0, modelMacs: 3000, measuredMacs: 2990, measuredSnrDb: 18.1, modelSnrDb: 17.2 },
        { level: 1, modelMacs: 1000, measuredMacs: 1010, measuredSnrDb: null, modelSnrDb: 15.2 },
      ],
      confusion: [
        [2985, 5],
        [15, 995],
      ],
      agreement: 0.995,
    },
    energy: {
      rails: [
        { rail: 'VDD_DIG', measuredPj: 1000, modelPj: 980, measuredPjPerMac: 12, modelPjPerMac: 11.8, ratio: 1.02 },
        { rail: 'VDD_ANA', measuredPj: 900, modelPj: 920, measuredPjPerMac: 11, modelPjPerMac: 11.2, ratio: 0.98 },
        { rail: 'VDD_SRAM', measuredPj: 100, modelPj: null, measuredPjPerMac: 1.2, modelPjPerMac: null, ratio: null },
      ],
      burstUs: 32,
      measuredPjPerMac: 26.8,
      modelPjPerMac: 26.5,
    },
    outliers: [{ vector: 1234, output: 1, block: 3, repeat: 0, yhat: 5000, modelYhat: 1000, exact: 1100, residual: 4000, z: 9.5 }],
    findings: [
      {
        kind: 'stuck-cell',
        row: 12,
        column: 3,
        output: 1,
        weightBit: 1,
        stuckAt: 1,
        evidence: { channel: 'analog', analogShare: 0.97, analogZ: 31.2, analogSamples: 812, digitalMacs: 0 },
      },
      {
        kind: 'threshold-misfire',
        threshold: 0,
        theta: -20000,
        evidence: {
          macs: 4000,
          firedBelow: 12,
          missedAbove: 3,
          effectiveLo: -21000,
          effectiveHi: -19000,
          examples: [{ vector: 321, output: 0, saliency: -20500, level: 1 }],
        },
      },
    ],
    scan: { vectors: 2000, blocks: 5 },
  });
}

const stat = (mean: number) => ({ n: 5, mean, sd: 0.2, se: 0.09, ci95Lo: mean - 0.25, ci95Hi: mean + 0.25, t: mean / 0.09 });

export function runsComparison(a = 7, b = 9): RunsComparison {
  return runsComparisonSchema.parse({
    kind: 'runs',
    a: run(a, 'SIM-DIE-0001'),
    b: run(b, 'SIM-DIE-0002'),
    vectors: 2000,
    segments: 5,
    figures: { a: figures(17.6), b: figures(15.1) },
    deltas: {
      snrDb: stat(-2.5),
      modelSnrDb: stat(0),
      measuredPjPerMac: stat(0.3),
      codeResidualMeanLsb: stat(0.2),
      codeResidualRmsLsb: stat(0.1),
      levelAgreement: stat(-0.001),
    },
    rails: [{ rail: 'VDD_DIG', aPjPerMac: 12, bPjPerMac: 12.3, delta: stat(0.3) }],
    yhatDifference: histogram([3, 30, 300, 25, 4]),
    levels: {
      macs: 16_000,
      same: 15_900,
      confusion: [
        [12_000, 60],
        [40, 3900],
      ],
    },
    columns: columns.map((c) => ({
      column: c.column,
      output: c.output,
      weightBit: c.weightBit,
      count: 1000,
      meanDeltaLsb: c.column === 2 ? -0.8 : 0.05,
      sdDeltaLsb: 0.4,
    })),
  });
}
