// The silicon of a simulated die (spec section 4): SRAM with stuck cells, ADCs with noise and
// per-column gain and offset, rails with a process factor, leakage and measurement noise, and a
// die temperature. The digital path is exact: only defects make it differ from the model.
import { planeGeometry, type PlaneGeometry } from '../../shared/model/geometry';
import { levelPlans } from '../../shared/model/level-plans';
import { intMatrix } from '../../shared/model/matrix';
import { resolveMode } from '../../shared/model/modes';
import { createPlanePopcounter, type PlanePopcounter } from '../../shared/model/plane-popcounts';
import { saliencyAndLevel } from '../../shared/model/saliency';
import { boardProfile, allocateResultBlock, type ResultBlock } from '../../shared/protocol/data-blocks';
import type { BoardCapabilities, BoardRunConfig, Rail } from '../../shared/protocol/payloads';
import { createPrng, type Prng } from '../../shared/workload/prng';
import type { DieConfig } from './die-config';

const DIE_STREAM = 101;
const NOISE_STREAM = 102;

export interface BurstPower {
  readonly burstUs: number;
  readonly dieTempC: number;
  readonly railMw: Record<Rail, number>;
}

export interface SiliconRun extends BurstPower {
  readonly results: ResultBlock;
}

export class SimDie {
  readonly geometry: PlaneGeometry;
  private readonly sram: Int32Array;
  private readonly stuckOne: Int32Array;
  private readonly stuckZero: Int32Array;
  private readonly gain: Float64Array;
  private readonly offset: Float64Array;
  private readonly process: Record<Rail, number>;
  private readonly noise: Prng;
  private popcounter: PlanePopcounter | null = null;

  constructor(readonly config: DieConfig) {
    const p = config.profile;
    this.geometry = planeGeometry(p);
    this.sram = new Int32Array(p.rows * p.outputs);
    this.stuckOne = new Int32Array(p.rows * p.outputs);
    this.stuckZero = new Int32Array(p.rows * p.outputs);
    for (const c of config.stuckCells) {
      const m = Math.floor(c.column / p.weightBits);
      const bit = 1 << (c.column % p.weightBits);
      (c.value === 1 ? this.stuckOne : this.stuckZero)[c.row * p.outputs + m] |= bit;
    }
    const die = createPrng(config.seed, DIE_STREAM);
    const columns = p.outputs * p.weightBits;
    this.gain = Float64Array.from({ length: columns }, () => 1 + config.columnGainSigma * die.nextNormal());
    this.offset = Float64Array.from({ length: columns }, () => config.columnOffsetSigma * die.nextNormal());
    this.process = {
      VDD_DIG: 1 + config.processSigma * die.nextNormal(),
      VDD_ANA: 1 + config.processSigma * die.nextNormal(),
      VDD_SRAM: 1 + config.processSigma * die.nextNormal(),
    };
    this.noise = createPrng(config.seed, NOISE_STREAM);
    this.powerUp();
  }

  get capabilitiesGeometry(): Pick<BoardCapabilities, 'rows' | 'outputs' | 'inputBits' | 'weightBits' | 'adcBits'> {
    const p = this.config.profile;
    return { rows: p.rows, outputs: p.outputs, inputBits: p.inputBits, weightBits: p.weightBits, adcBits: p.adcBits };
  }

  /** SRAM content after power-up or reset: every cell 0, but for the stuck ones. */
  powerUp(): void {
    this.sram.fill(0);
    this.writeWeights(0, this.config.profile.rows, new Int32Array(this.sram.length));
  }

  /** Write rows of weights (row-major, M per row); stuck cells keep their value. */
  writeWeights(firstRow: number, rows: number, values: Int32Array): void {
    const { outputs, weightBits: bw } = this.config.profile;
    const mask = 2 ** bw - 1;
    for (let k = 0; k < rows * outputs; k++) {
      const at = firstRow * outputs + k;
      let u = (values[k] as number) & mask;
      u = (u & ~(this.stuckZero[at] as number)) | (this.stuckOne[at] as number);
      this.sram[at] = u >= 2 ** (bw - 1) ? u - 2 ** bw : u;
    }
    this.popcounter = null;
  }

  readWeights(firstRow: number, rows: number): Int32Array {
    const { outputs } = this.config.profile;
    return this.sram.slice(firstRow * outputs, (firstRow + rows) * outputs);
  }

  /** Run the `count` vectors over and over until `total` results (repeat * count, or fewer when aborted). */
  run(vectors: Int32Array, count: number, total: number, runConfig: BoardRunConfig): SiliconRun {
    const p = boardProfile(this.capabilitiesGeometry as BoardCapabilities, runConfig, this.config.profile.energy);
    const { rows, outputs, weightBits: bw } = p;
    const geometry = planeGeometry(p);
    const { planes, planeWeight, saliencyPlane, adcTop } = geometry;
    const resolved = resolveMode(p, { mode: runConfig.mode, boundary: runConfig.boundary, skip: runConfig.skip });
    const plans = levelPlans(p, geometry, resolved.fixed);
    const fixedLevel = resolved.fixed ? plans.levels - 1 : -1;
    const salient = Int32Array.from(saliencyPlane.keys()).filter((q) => saliencyPlane[q] === 1);
    this.popcounter ??= createPlanePopcounter(p, intMatrix(rows, outputs, this.sram));
    const results = allocateResultBlock(0, total, outputs, planes);
    const pc = new Int32Array(outputs * planes);
    const sigma = this.config.adcNoise;
    let digitalPj = 0;
    let analogPj = 0;
    for (let n = 0; n < total; n++) {
      this.popcounter.popcounts(vectors, (n % count) * rows, pc);
      for (let m = 0; m < outputs; m++) {
        const mac = n * outputs + m;
        const base = m * planes;
        let level = fixedLevel;
        if (level < 0) {
          // the saliency planes are digital: exact on silicon as in the model
          const osa = saliencyAndLevel(pc, base, salient, planeWeight, p.thresholds);
          level = osa.level;
          results.saliency[mac] = osa.saliency;
        }
        const order = level * planes;
        const nD = plans.nDigital[level] as number;
        const nA = plans.nAnalog[level] as number;
        let d = 0;
        for (let q = order; q < order + nD; q++) {
          const pl = plans.planeOrder[q] as number;
          d += (planeWeight[pl] as number) * (pc[base + pl] as number);
        }
        for (let q = order + nD; q < order + nD + nA; q++) {
          const pl = plans.planeOrder[q] as number;
          const col = m * bw + (geometry.weightBit[pl] as number);
          const a = ((pc[base + pl] as number) / rows) * (this.gain[col] as number) + (this.offset[col] as number) + sigma * this.noise.nextNormal();
          results.codes[mac * planes + pl] = Math.min(adcTop, Math.max(0, Math.round(a * adcTop)));
        }
        results.digital[mac] = d;
        results.level[mac] = fixedLevel < 0 ? level : 0;
        digitalPj += nD * p.energy.digitalPlanePj + (fixedLevel < 0 ? p.energy.saliencyPj : 0);
        analogPj += nA * p.energy.analogPlanePj;
      }
    }
    const burstUs = (total * p.inputBits) / p.clockMHz;
    return { results, ...this.burstPower(burstUs, { VDD_DIG: digitalPj, VDD_ANA: analogPj, VDD_SRAM: total * this.config.sramPjPerVector }) };
  }

  /** Average rail power over a burst: dynamic energy x process factor + leakage at the die temperature, measured with noise. */
  burstPower(burstUs: number, dynamicPj: Record<Rail, number>): BurstPower {
    const c = this.config;
    const dynamicMw = (rail: Rail) => (burstUs > 0 ? ((dynamicPj[rail] * this.process[rail]) / burstUs) * 1e-3 : 0);
    const rails: Rail[] = ['VDD_DIG', 'VDD_ANA', 'VDD_SRAM'];
    const heat = rails.reduce((s, r) => s + dynamicMw(r) + c.leakageMw[r], 0);
    const dieTempC = c.ambientC + c.thermalCPerMw * heat + 0.05 * this.noise.nextNormal();
    const leak = 2 ** ((dieTempC - 25) / 20);
    const railMw = Object.fromEntries(
      rails.map((r) => [r, Math.max(0, (dynamicMw(r) + c.leakageMw[r] * leak) * (1 + c.powerNoise * this.noise.nextNormal()))]),
    ) as Record<Rail, number>;
    return { burstUs, dieTempC, railMw };
  }
}
