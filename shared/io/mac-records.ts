// One record per MAC (vector, output), as `model eval` writes it in JSON Lines or CSV.
import type { MacBatch } from '../model/evaluator';

export const MAC_RECORD_KEYS = ['vector', 'output', 'exact', 'digital', 'analog', 'yhat', 'level', 'saliency', 'nDigital', 'nAnalog', 'nSkipped', 'energyPj'] as const;

export type MacRecord = Record<(typeof MAC_RECORD_KEYS)[number], number> & { codes?: number[] };

export function macRecord(batch: MacBatch, mac: number, firstVector: number): MacRecord {
  const v = Math.floor(mac / batch.outputs);
  const record: MacRecord = {
    vector: firstVector + v,
    output: mac - v * batch.outputs,
    exact: batch.exact[mac] as number,
    digital: batch.digital[mac] as number,
    analog: batch.analog[mac] as number,
    yhat: batch.yhat[mac] as number,
    level: batch.level[mac] as number,
    saliency: batch.saliency[mac] as number,
    nDigital: batch.nDigital[mac] as number,
    nAnalog: batch.nAnalog[mac] as number,
    nSkipped: batch.nSkipped[mac] as number,
    energyPj: batch.energyPj[mac] as number,
  };
  if (batch.codes) record.codes = Array.from(batch.codes.subarray(mac * batch.planes, (mac + 1) * batch.planes));
  return record;
}

export function formatMacJsonl(batch: MacBatch, firstVector: number): string {
  let out = '';
  for (let mac = 0; mac < batch.exact.length; mac++) out += `${JSON.stringify(macRecord(batch, mac, firstVector))}\n`;
  return out;
}

/** CSV header; with codes, a last column holds the per-plane codes separated by spaces. */
export function macCsvHeader(withCodes: boolean): string {
  return `${[...MAC_RECORD_KEYS, ...(withCodes ? ['codes'] : [])].join(',')}\n`;
}

export function formatMacCsv(batch: MacBatch, firstVector: number): string {
  let out = '';
  for (let mac = 0; mac < batch.exact.length; mac++) {
    const r = macRecord(batch, mac, firstVector);
    const fields: (string | number)[] = MAC_RECORD_KEYS.map((k) => r[k]);
    if (r.codes) fields.push(r.codes.join(' '));
    out += `${fields.join(',')}\n`;
  }
  return out;
}
