// A page opened (or reloaded) while runs go on in the engine watches them again: the newest live
// measurement run on the Run screen, the newest live procedure on the Procedures screen; and from
// then on, runs started elsewhere are taken up as they start (live-pickup.ts).
import { useLivePickupStore } from './live-pickup';

export async function resumeWatching(): Promise<void> {
  await useLivePickupStore().start();
}
