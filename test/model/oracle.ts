// The obviously-correct model: spec section 3 transcribed loop by loop, with no packing and no tables.
// The fast model must equal it to the bit.
import type { DieProfile, SaliencyLevel } from '../../shared/model/profile';
import type { ModeConfig } from '../../shared/model/modes';

export interface OracleMac {
  exact: number;
  digital: number;
  analog: number;
  yhat: number;
  level: number;
  saliency: number;
  nDigital: number;
  nAnalog: number;
  nSkipped: number;
  energyPj: number;
  /** code per plane i*BW+j, -1 where not analog */
  codes: number[];
}

function bit(value: number, b: number): number {
  return Math.floor(value / 2 ** b) % 2;
}

function twosComplement(w: number, bits: number): number {
  return w < 0 ? w + 2 ** bits : w;
}

export function oracleMac(p: DieProfile, x: readonly number[], wColumn: readonly number[], config: ModeConfig): OracleMac {
  const BX = p.inputBits;
  const BW = p.weightBits;
  const N = p.rows;
  const L = 2 ** p.adcBits - 1;
  const P: number[][] = [];
  for (let i = 0; i < BX; i++) {
    P.push([]);
    for (let j = 0; j < BW; j++) {
      let sum = 0;
      for (let r = 0; r < N; r++) sum += bit(x[r]!, i) & bit(twosComplement(wColumn[r]!, BW), j);
      P[i]!.push(sum);
    }
  }
  const s = (j: number) => (j === BW - 1 ? -1 : 1);
  let exact = 0;
  for (let r = 0; r < N; r++) exact += x[r]! * wColumn[r]!;

  let level = 0;
  let saliency = 0;
  let bt: SaliencyLevel;
  if (config.mode === 'dcim') bt = { boundary: 0, skip: 0 };
  else if (config.mode === 'acim') bt = { boundary: BX + BW - 1, skip: 0 };
  else if (config.mode === 'hcim') bt = { boundary: config.boundary!, skip: config.skip ?? 0 };
  else {
    const bSal = Math.max(...p.levels.map((l) => l.boundary));
    for (let i = BX - p.salientInputBits; i < BX; i++) {
      for (let j = 0; j < BW; j++) if (i + j >= bSal) saliency += s(j) * 2 ** (i + j) * P[i]![j]!;
    }
    level = p.thresholds.filter((theta) => saliency > theta).length;
    bt = p.levels[level]!;
  }
  let digital = 0;
  let analog = 0;
  let nDigital = 0;
  let nAnalog = 0;
  let nSkipped = 0;
  const codes: number[] = [];
  for (let i = 0; i < BX; i++) {
    for (let j = 0; j < BW; j++) {
      const k = i + j;
      if (k >= bt.boundary) {
        digital += s(j) * 2 ** k * P[i]![j]!;
        nDigital++;
        codes.push(-1);
      } else if (k < bt.skip) {
        nSkipped++;
        codes.push(-1);
      } else {
        const code = Math.floor((2 * P[i]![j]! * L + N) / (2 * N));
        analog += s(j) * 2 ** k * code;
        nAnalog++;
        codes.push(code);
      }
    }
  }
  const e = p.energy;
  return {
    exact,
    digital,
    analog,
    yhat: digital + (analog * N) / L,
    level,
    saliency,
    nDigital,
    nAnalog,
    nSkipped,
    energyPj: nDigital * e.digitalPlanePj + nAnalog * e.analogPlanePj + (config.mode === 'osa' ? e.saliencyPj : 0),
    codes,
  };
}
