// Putting a run's configuration and weights on the board, and proving they are there: the board
// echoes its configuration (CFG?), reads its weights back from the SRAM (WGT?), and tells its boot
// id before and after, so a reboot in the middle of the set-up cannot go unseen.
import type { ModeConfig } from '../../shared/model/modes';
import type { DieProfile } from '../../shared/model/profile';
import type { BoardRunConfig } from '../../shared/protocol/payloads';
import type { BoardClient } from '../../drivers/client/board-client';
import { BoardRebootedError } from '../../drivers/client/errors';

export interface BoardSetup {
  /** the boot the set-up was made in: a batch counts only if the board is still in it */
  readonly bootId: number;
  /** the configuration the board reports, equal to the run's */
  readonly config: BoardRunConfig;
  /** weight cells that read back otherwise than written: stuck cells are silicon, kept as evidence */
  readonly weightCellsDiffering: number;
}

/** The board reports a configuration other than the one it was given: no result may count. */
export class ConfigNotVerifiedError extends Error {
  constructor(label: string, detail: string) {
    super(`${label}: the board's configuration could not be verified: ${detail}`);
    this.name = 'ConfigNotVerifiedError';
  }
}

/** The board configuration of a run: the mode's keys and the profile's levels. */
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

/** Where the board's configuration differs from the run's, or null; keys that do not apply to the mode are not compared. */
export function configDifference(want: BoardRunConfig, got: BoardRunConfig): string | null {
  const show = (c: BoardRunConfig) => [
    `MODE=${c.mode}`,
    ...(c.mode === 'hcim' ? [`B=${c.boundary}`, `T=${c.skip ?? 0}`] : []),
    `LEVELS=${c.levels.map((l) => `${l.boundary}:${l.skip}`).join(',')}`,
    `THR=${c.thresholds.join(',')}`,
    `SX=${c.salientInputBits}`,
  ];
  const asked = show(want).join(' ');
  const reported = show(got).join(' ');
  return asked === reported ? null : `asked ${asked}, the board reports ${reported}`;
}

export async function setUpBoard(client: BoardClient, config: BoardRunConfig, weights: Int32Array, telemetryMs = 0): Promise<BoardSetup> {
  const before = await client.bootId();
  if (telemetryMs > 0) await client.setTelemetry(telemetryMs);
  await client.configure(config);
  await client.writeWeights(weights);
  const echo = await client.readConfig();
  const readBack = await client.readWeights();
  const after = await client.bootId();
  if (after !== before) throw new BoardRebootedError(client.label, `boot id ${before} before the set-up, ${after} after it`);
  const problem = configDifference(config, echo);
  if (problem) throw new ConfigNotVerifiedError(client.label, problem);
  let differing = 0;
  for (let i = 0; i < weights.length; i++) if (readBack[i] !== weights[i]) differing++;
  return { bootId: before, config: echo, weightCellsDiffering: differing };
}
