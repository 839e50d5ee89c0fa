// Checks made with the board in hand before a run is accepted: the board carries the profile's die,
// and a calibration to apply was measured on that die. A refused run logs nothing.
import { ModeConfigError } from '../../shared/model/modes';
import type { DieProfile } from '../../shared/model/profile';
import type { BoardCapabilities } from '../../shared/protocol/payloads';
import type { BoardConnection } from '../board/board-link';
import type { RunStore } from '../store/run-store';

export type Calibration = NonNullable<ReturnType<RunStore['calibration']>>;

/** The die on the board must be the die of the profile: geometry, widths and ADC. */
export function checkBoardFits(caps: BoardCapabilities, profile: DieProfile, where: string): void {
  for (const [k, want] of [
    ['rows', profile.rows],
    ['outputs', profile.outputs],
    ['inputBits', profile.inputBits],
    ['weightBits', profile.weightBits],
    ['adcBits', profile.adcBits],
  ] as const) {
    if (caps[k] !== want) throw new Error(`the die profile does not match the board: ${k} is ${want} in the profile, ${caps[k]} on ${where}`);
  }
}

export function checkCalibration(store: RunStore, id: number | undefined, dieId: string, profile: DieProfile): Calibration | null {
  if (id === undefined) return null;
  const calibration = store.calibration(id);
  const columns = profile.outputs * profile.weightBits;
  const problem = !calibration
    ? `no calibration record ${id} in ${store.path}`
    : calibration.dieId !== dieId
      ? `calibration ${id} was measured on die ${calibration.dieId}, the board carries ${dieId}`
      : calibration.gain.length !== columns || calibration.offsetLsb.length !== columns
        ? `calibration ${id} has ${calibration.gain.length} columns, the profile ${columns} (outputs x weight bits)`
        : !calibration.gain.every((g) => Number.isFinite(g) && g > 0)
          ? `calibration ${id} has a column gain that is not a positive number`
          : null;
  if (problem || !calibration) throw new ModeConfigError('calibration', problem ?? `no calibration record ${id}`);
  return calibration;
}

/** Checks made with the board in hand before anything is logged; the connection is closed if one fails. */
export async function accept<T>(conn: BoardConnection, check: () => T): Promise<T> {
  try {
    return check();
  } catch (e) {
    await conn.client.close().catch(() => undefined);
    throw e;
  }
}
