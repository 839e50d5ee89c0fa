// Runs started elsewhere (the CLI's `osa-bench run --engine`, a lab script, another window): the
// engine's live list (bench.info) is read every 2 s while connected, and a run or procedure the
// page is not watching is taken up by the Run or the Procedures screen, unless that screen already
// watches a live one, or the Run screen shows a replay (one may be studying it): then a notice
// offers it. The first reading, when the page opens, takes up what goes on without a notice
// (resume-watching.ts).
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { RunRowDoc } from '../../../shared/api/runs';
import { isProcedure } from '../fold/reports';
import { useConnectionStore } from './connection';
import { useLiveRunStore } from './live-run';
import { useNavStore } from './nav';
import { useProceduresStore } from './procedures';
import { useReplayStore } from './replay';

export const PICKUP_EVERY_MS = 2000;

export interface PickupNotice {
  readonly runId: number;
  readonly kind: string;
  readonly label: string | null;
  readonly screen: 'run' | 'procedures';
  /** taken up by its screen; false: that screen watches another live run, or shows a replay, and this one is offered */
  readonly attached: boolean;
  /** not taken up because the Run screen shows a replay */
  readonly overReplay: boolean;
}

export const useLivePickupStore = defineStore('livePickup', () => {
  const conn = useConnectionStore();
  const liveRun = useLiveRunStore();
  const procedures = useProceduresStore();
  const nav = useNavStore();
  const replay = useReplayStore();
  const notice = shallowRef<PickupNotice | null>(null);
  /** live runs already seen: each is taken up (or offered) once */
  const seen = new Set<number>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** bumped by stop(): a reading under way then schedules no other */
  let generation = 0;
  let running: Promise<void> | null = null;

  const watcherOf = (screen: PickupNotice['screen']) => (screen === 'run' ? liveRun : procedures);
  const watching = (runId: number) => liveRun.view?.runId === runId || procedures.view?.runId === runId;

  async function take(row: RunRowDoc, quiet: boolean): Promise<void> {
    const screen = isProcedure(row.kind) ? 'procedures' : 'run';
    const store = watcherOf(screen);
    const overReplay = screen === 'run' && replay.view !== null;
    const busy = store.live || overReplay;
    // opening the page takes up what goes on; a second live run there is offered, as later ones are
    if (quiet && busy) return;
    if (!busy) await store.attach(row.id);
    if (!quiet) notice.value = { runId: row.id, kind: row.kind, label: row.label, screen, attached: !busy, overReplay };
  }

  async function read(quiet: boolean): Promise<void> {
    if (!conn.isOpen) return;
    try {
      const client = conn.client();
      const { live } = await client.call('bench.info', {});
      // the newest first: it is the one a screen takes up when several start at once
      for (const l of [...live].sort((a, b) => b.runId - a.runId)) {
        if (seen.has(l.runId)) continue;
        if (watching(l.runId)) {
          seen.add(l.runId);
          continue;
        }
        const row = await client.call('runs.get', { run: l.runId });
        // seen once its row is read: a lookup that failed is tried again at the next reading
        seen.add(l.runId);
        // a procedure's child runs come in its stream; the page may have started it meanwhile
        if (row.parentId !== null || watching(row.id)) continue;
        await take(row, quiet);
      }
    } catch {
      // not connected, or the engine did not answer: the next reading tries again
    }
  }

  /** One reading of the live list (quiet: the page's first, no notices). */
  function poll(quiet = false): Promise<void> {
    running ??= read(quiet).finally(() => (running = null));
    return running;
  }

  /** Read now (quietly), then every `everyMs` until stop(). */
  async function start(everyMs = PICKUP_EVERY_MS): Promise<void> {
    stop();
    const gen = generation;
    const next = () => {
      timer = setTimeout(() => void poll().finally(() => gen === generation && next()), everyMs);
    };
    next();
    await poll(true);
  }

  function stop(): void {
    generation++;
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  /** The noticed run's screen. */
  function show(): void {
    if (notice.value) nav.go(notice.value.screen);
    notice.value = null;
  }

  /** Watch the offered run instead of the one its screen watches. */
  async function watchNoticed(): Promise<void> {
    const n = notice.value;
    if (!n) return;
    notice.value = null;
    await watcherOf(n.screen).attach(n.runId);
    nav.go(n.screen);
  }

  function dismiss(): void {
    notice.value = null;
  }

  return { notice, poll, start, stop, show, watchNoticed, dismiss };
});
