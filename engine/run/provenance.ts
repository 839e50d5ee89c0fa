// Everything needed to reproduce a run, stored with it: app and model version, die profile,
// board firmware and bitstream, die id, the content hashes of the sets, and the configuration.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModeConfig } from '../../shared/model/modes';
import type { DieProfile } from '../../shared/model/profile';
import type { BoardIdentity } from '../../shared/protocol/payloads';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let cached: { app: { name: string; version: string; gitCommit: string }; modelHash: string } | null = null;

/** The app's version and git commit, and a hash of the model's sources: computed once. */
function build() {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  let gitCommit = 'unknown';
  try {
    gitCommit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    // not a git checkout (a packaged app): the version says enough
  }
  const dir = join(ROOT, 'shared/model');
  const h = createHash('sha256');
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.ts'))
    .sort())
    h.update(f).update(readFileSync(join(dir, f)));
  cached = { app: { name: pkg.name, version: pkg.version, gitCommit }, modelHash: `sha256:${h.digest('hex')}` };
  return cached;
}

export function provenance(p: {
  identity: BoardIdentity;
  profile: DieProfile;
  config: ModeConfig;
  vectorSet: string;
  weightSet: string;
  source: { generator: string | null; seed: number | null };
  calibration?: { id: number; guid: string } | null;
}): object {
  const b = build();
  return {
    app: b.app,
    model: { sourceHash: b.modelHash },
    profile: p.profile,
    board: { vendor: p.identity.vendor, serial: p.identity.serial, firmware: p.identity.firmware, bitstream: p.identity.bitstream, protocol: p.identity.protocol },
    dieId: p.identity.dieId,
    vectorSet: p.vectorSet,
    weightSet: p.weightSet,
    stimulus: p.source,
    calibration: p.calibration ?? null,
    config: p.config,
    host: { node: process.version, platform: process.platform, arch: process.arch },
  };
}
