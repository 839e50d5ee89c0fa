// Migration 0003's conversion: each result block of schema 2 (one typed-array blob per field)
// becomes one packed blob of its measured values (block-codec.ts). It runs inside the migration's
// transaction: any failure rolls the whole store back to schema 2.
import type Database from 'better-sqlite3';
import { planeGeometry } from '../../shared/model/geometry';
import { levelPlans } from '../../shared/model/level-plans';
import { MODES, resolveMode, type ModeConfig } from '../../shared/model/modes';
import { parseDieProfile } from '../../shared/model/profile';
import { encodeMeasured } from './block-codec';

/**
 * Schema 2 kept codes as int8, so an 8-bit ADC's codes 128..255 read back negative (255 as -1,
 * like a plane that was not analog). Which planes were analog follows from the run's profile,
 * configuration and each MAC's level, so those codes are read as unsigned bytes again. For
 * narrower ADCs the int8 values are the codes; a run whose configuration cannot be read keeps its
 * int8 values as they are. (Wider ADCs lost their high bits in schema 2: nothing can bring them back.)
 */
function analogMasksOf(configJson: string): Uint8Array[] | null {
  try {
    const config = JSON.parse(configJson) as { mode?: unknown; boundary?: number; skip?: number; profile?: unknown };
    if (typeof config.mode !== 'string' || !(MODES as readonly string[]).includes(config.mode)) return null;
    const profile = parseDieProfile(config.profile ?? {}, 'stored profile');
    if (profile.adcBits < 8) return null;
    const geometry = planeGeometry(profile);
    const mode: ModeConfig = { mode: config.mode as ModeConfig['mode'], boundary: config.boundary, skip: config.skip };
    const resolved = resolveMode(profile, mode);
    const plans = levelPlans(profile, geometry, resolved.fixed);
    const maskOf = (l: number) => {
      const m = new Uint8Array(geometry.planes);
      const start = l * geometry.planes + (plans.nDigital[l] as number);
      for (const p of plans.planeOrder.subarray(start, start + (plans.nAnalog[l] as number))) m[p] = 1;
      return m;
    };
    return resolved.fixed ? [maskOf(plans.levels - 1)] : profile.levels.map((_, l) => maskOf(l));
  } catch {
    return null;
  }
}

const copy = <T>(b: Buffer, make: (a: ArrayBuffer) => T): T => make(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);

interface V2Block {
  run_id: number;
  block: number;
  planes: number;
  digital: Buffer;
  saliency: Buffer;
  level: Buffer;
  codes: Buffer;
}

export function convertPackedBlocks(db: Database.Database): void {
  const keys = db.prepare(`SELECT run_id, block FROM result_blocks ORDER BY run_id, block`).all() as { run_id: number; block: number }[];
  const get = db.prepare(`SELECT run_id, block, planes, digital, saliency, level, codes FROM result_blocks WHERE run_id = ? AND block = ?`);
  const config = db.prepare(`SELECT config_json FROM runs WHERE id = ?`);
  const insert = db.prepare(
    `INSERT INTO result_blocks_packed (run_id, block, first_vector, vectors, repeat_count, outputs, planes, data, macs, digital_mismatches, level_agreements,
       signal_sq, error_sq, model_error_sq, yhat_residual_min, yhat_residual_max, code_residual_count, code_residual_sum, code_residual_sq,
       code_residual_min, code_residual_max, model_energy_pj, committed_at)
     SELECT run_id, block, first_vector, vectors, repeat_count, outputs, planes, ?, macs, digital_mismatches, level_agreements,
       signal_sq, error_sq, model_error_sq, yhat_residual_min, yhat_residual_max, code_residual_count, code_residual_sum, code_residual_sq,
       code_residual_min, code_residual_max, model_energy_pj, committed_at
     FROM result_blocks WHERE run_id = ? AND block = ?`,
  );
  let runId = -1;
  let masks: Uint8Array[] | null = null;
  for (const k of keys) {
    // one row at a time: a million-vector run is gigabytes of schema-2 blobs
    const r = get.get(k.run_id, k.block) as V2Block;
    if (r.run_id !== runId) {
      runId = r.run_id;
      const c = config.get(runId) as { config_json: string } | undefined;
      masks = c ? analogMasksOf(c.config_json) : null;
    }
    const level = copy(r.level, (b) => new Uint8Array(b));
    const stored = new Int8Array(r.codes.buffer, r.codes.byteOffset, r.codes.byteLength);
    const codes = new Int16Array(stored.length);
    codes.set(stored);
    if (masks) {
      const planes = r.planes;
      for (let mac = 0; mac < level.length; mac++) {
        const mask = masks[Math.min(level[mac] as number, masks.length - 1)] as Uint8Array;
        for (let p = 0; p < planes; p++) if (mask[p]) codes[mac * planes + p] = (stored[mac * planes + p] as number) & 0xff;
      }
    }
    const widen = (b: Buffer) => Float64Array.from(copy(b, (a) => new Int32Array(a)));
    const data = encodeMeasured({ digital: widen(r.digital), saliency: widen(r.saliency), level, codes }, r.planes);
    insert.run(data, k.run_id, k.block);
  }
}
