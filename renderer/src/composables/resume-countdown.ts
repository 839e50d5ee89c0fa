// A board lost mid-run, as the run's status shows it: the engine waits `resumeWithinMs` for the
// same board (engine/run/drive.ts: the run's state is 'resuming' from the disconnect event on),
// then goes on from its last committed batch, or ends the run interrupted. Its status documents
// say until when (`resumeBy`); a stream without it (an older engine) gets the event's time plus
// the wait the run was started with (the API's default, 10 s, unless the caller knows better).
import { onBeforeUnmount, ref, watch, type Ref } from 'vue';
import { runOptionsSchema } from '../../../shared/api/run-options';
import type { RunView } from '../fold/run-fold';

/** What `run.start` waits for a lost board when not told: runOptionsSchema's default. */
export const DEFAULT_RESUME_WITHIN_MS: number = runOptionsSchema.shape.resumeWithinMs.parse(undefined);

export type BoardLink =
  /** the board was lost; the engine waits for it until `deadline` (ms since the epoch; null: not known) */
  | { readonly phase: 'waiting'; readonly since: number; readonly deadline: number | null; readonly waitMs: number | null; readonly detail: string | null }
  /** it came back and the run went on */
  | { readonly phase: 'resumed'; readonly at: number }
  /** it did not: the run ended interrupted */
  | { readonly phase: 'lost'; readonly since: number };

/**
 * Where the run's board link is, from its view: null while no disconnect was reported. A view
 * read back from the store gives the same answer as the stream did.
 */
export function boardLink(view: RunView, resumeWithinMs: number | null): BoardLink | null {
  let lost: RunView['events'][number] | null = null;
  let back: RunView['events'][number] | null = null;
  for (const e of view.events) {
    if (e.kind === 'disconnect') {
      lost = e;
      back = null;
    } else if (lost && (e.kind === 'resume' || e.kind === 'taken-up')) back = e;
  }
  if (!lost) return null;
  const since = Date.parse(lost.time);
  if (view.state === 'resuming') {
    const deadline = view.resumeBy ?? (resumeWithinMs === null ? null : since + resumeWithinMs);
    return { phase: 'waiting', since, deadline, waitMs: deadline === null ? null : Math.max(0, deadline - since), detail: lost.detail };
  }
  if (back) return { phase: 'resumed', at: Date.parse(back.time) };
  if (view.state === 'interrupted') return { phase: 'lost', since };
  // running again before its resume event was committed
  return view.state === 'running' || view.state === 'paused' ? { phase: 'resumed', at: since } : null;
}

/**
 * Whole seconds left to a deadline, counted up (8.2 s left shows 9 s), never below 0 and never
 * above the wait itself (a page clock behind the engine's would show more).
 */
export function secondsLeft(deadline: number, now: number, waitMs: number): number {
  return Math.ceil(Math.min(waitMs, Math.max(0, deadline - now)) / 1000);
}

/** The time (Date.now), ticking every `everyMs` while `active` holds: a countdown's clock. */
export function useNow(active: Readonly<Ref<boolean>>, everyMs = 250): Readonly<Ref<number>> {
  const now = ref(Date.now());
  let timer: ReturnType<typeof setInterval> | null = null;
  const stop = () => {
    if (timer !== null) clearInterval(timer);
    timer = null;
  };
  watch(
    active,
    (on) => {
      stop();
      now.value = Date.now();
      if (on) timer = setInterval(() => (now.value = Date.now()), everyMs);
    },
    { immediate: true },
  );
  onBeforeUnmount(stop);
  return now;
}
