// A logged run played back into the Run screen: replay.start, then its documents (replay.document
// notifications) folded by a RunWatch exactly as a live run's are. Speed 1x, 4x, 16x or as fast as
// possible; pause, resume, seek to a vector, stop. A new speed goes to the replay playing
// (replay.speed): it goes on from where it is, in the same plots, nothing sent again; with no
// replay playing it is the next start's. A seek starts the plots again from the block sought (the
// fold's x axis counts the vectors it was fed).
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { WireDocument } from '../../../shared/api/rpc';
import { errorsOf, type FieldErrors } from '../forms/field-errors';
import { RunWatch, type WatchOptions } from '../fold/run-watch';
import { useConnectionStore } from './connection';

/** times the run's own pace; null: as fast as possible */
export type ReplaySpeed = 1 | 4 | 16 | null;
export const REPLAY_SPEEDS: readonly ReplaySpeed[] = [1, 4, 16, null];
export const speedLabel = (s: ReplaySpeed): string => (s === null ? 'max' : `${s}×`);

export const REPLAY_FIELDS = ['run', 'speed', 'fromVector', 'vector'] as const;

let watchOptions: Omit<WatchOptions, 'onStop'> = {};
/** Tests drive the fold's frames by hand. */
export function setReplayWatchOptions(o: Omit<WatchOptions, 'onStop'>): void {
  watchOptions = o;
}

export const useReplayStore = defineStore('replay', () => {
  const conn = useConnectionStore();
  const replayId = ref<number | null>(null);
  /** the run replayed */
  const runId = ref<number | null>(null);
  const speed = ref<ReplaySpeed>(null);
  const paused = ref(false);
  /** the replay's documents ended (the run's stop went out, or it was stopped) */
  const ended = ref(false);
  const errors = ref<FieldErrors>({});
  const busy = ref(false);
  const current = shallowRef<RunWatch | null>(null);
  let feed: { close(): void } | null = null;
  /** the start and descriptor documents seen, fed again to a fold made afresh by a seek */
  let openings: WireDocument[] = [];

  const view = computed(() => current.value?.view.value ?? null);
  /** the vector after the last batch shown */
  const position = computed(() => view.value?.vectorsDone ?? 0);
  const total = computed(() => view.value?.vectorsTotal ?? 0);
  const active = computed(() => replayId.value !== null && !ended.value);
  const canPause = computed(() => active.value && !paused.value);
  const canResume = computed(() => active.value && paused.value);

  function newWatch(id: number): RunWatch {
    const w = markRaw(new RunWatch(id, { ...watchOptions, onStop: () => finished() }));
    current.value?.dispose();
    current.value = w;
    return w;
  }

  /** The replay ended: its last document came (the client's watch ended with it), or it was stopped here. */
  function finished(): void {
    ended.value = true;
    paused.value = false;
    // a stopped replay's own 'aborted' status ends the client's watch; closing it would stop it again
    feed = null;
  }

  /** Stop listening (the client stops a replay still playing). */
  function closeFeed(): void {
    feed?.close();
    feed = null;
  }

  function receive(doc: WireDocument): void {
    const w = current.value;
    if (!w) return;
    if (doc.type === 'start' || doc.type === 'descriptor') openings.push(doc);
    if (doc.type === 'status' && doc.event?.kind === 'seek') {
      const fresh = newWatch(w.runId);
      for (const o of openings) fresh.feed(o);
      fresh.feed(doc);
      return;
    }
    w.feed(doc);
    if (doc.type === 'status' && doc.runId === w.runId) {
      if (doc.state === 'paused') paused.value = true;
      else if (doc.state === 'running') paused.value = false;
      // a stopped replay ends with an aborted status and no stop (the stop is the run's)
      if (doc.state === 'aborted') finished();
    }
  }

  /** Start the replay of `run` into a fresh fold. */
  async function begin(run: number, at: ReplaySpeed, fromVector: number | undefined): Promise<boolean> {
    const client = conn.client();
    // the watch is set as the answer is read (the documents follow it at once, maybe in the same
    // read); what comes before this store is ready for it waits in `early`
    let ready = false;
    const early: WireDocument[] = [];
    // paced for display: at full speed the engine would send thousands of documents a second, and the page fold each (docs/benchmarks.md, ui)
    const { started, watch } = await client.startReplay({ run, speed: at, forDisplay: true, ...(fromVector === undefined ? {} : { fromVector }) }, (doc) => {
      if (!ready) early.push(doc);
      // a replay stopped for this one may still send what it had in flight: not this one's
      else if (replayId.value === started.replayId) receive(doc);
    });
    closeFeed();
    openings = [];
    newWatch(started.runId);
    replayId.value = started.replayId;
    runId.value = started.runId;
    speed.value = at;
    paused.value = false;
    ended.value = false;
    feed = watch;
    ready = true;
    for (const doc of early.splice(0)) receive(doc);
    return true;
  }

  async function attempt(what: () => Promise<unknown>): Promise<boolean> {
    errors.value = {};
    busy.value = true;
    try {
      await what();
      return true;
    } catch (e) {
      errors.value = errorsOf(e, REPLAY_FIELDS);
      return false;
    } finally {
      busy.value = false;
    }
  }

  /** Replay a logged run from its start (or the block holding `fromVector`). */
  function start(run: number, options: { speed?: ReplaySpeed; fromVector?: number } = {}): Promise<boolean> {
    return attempt(async () => {
      await stopQuietly();
      await begin(run, options.speed === undefined ? speed.value : options.speed, options.fromVector);
    });
  }

  async function control(method: 'replay.pause' | 'replay.resume' | 'replay.stop'): Promise<void> {
    const id = replayId.value;
    if (id === null || ended.value) return;
    const state = await conn.client().call(method, { replayId: id });
    if (method !== 'replay.stop') paused.value = state.paused;
  }

  async function stopQuietly(): Promise<void> {
    if (!active.value) return;
    try {
      await control('replay.stop');
    } catch {
      // a replay that already ended (or a lost connection) has nothing to stop
    }
    finished();
  }

  const pause = () => attempt(() => control('replay.pause'));
  const resume = () => attempt(() => control('replay.resume'));

  /** Stop the replay; what it showed stays. */
  const stop = () =>
    attempt(async () => {
      await control('replay.stop');
      finished();
    });

  /** Go on from the block holding `vector` (a replay that ended is started again from there). */
  function seek(vector: number): Promise<boolean> {
    const run = runId.value;
    if (run === null) return Promise.resolve(false);
    return attempt(async () => {
      const id = replayId.value;
      if (id !== null && !ended.value) await conn.client().call('replay.seek', { replayId: id, vector });
      else await begin(run, speed.value, vector);
    });
  }

  /** Another pace: the replay playing goes on from where it is at that pace; otherwise the next start's. */
  function setSpeed(next: ReplaySpeed): Promise<boolean> {
    const id = replayId.value;
    if (!active.value || id === null || next === speed.value) {
      speed.value = next;
      return Promise.resolve(true);
    }
    return attempt(async () => {
      try {
        const state = await conn.client().call('replay.speed', { replayId: id, speed: next });
        paused.value = state.paused;
      } catch (e) {
        // it ended meanwhile (its last documents crossed the request): the speed is the next start's
        if (!ended.value || replayId.value !== id) throw e;
      }
      speed.value = next;
    });
  }

  /** Stop, and give the Run screen back to the live run. */
  async function close(): Promise<void> {
    await stopQuietly();
    current.value?.dispose();
    current.value = null;
    replayId.value = null;
    runId.value = null;
    errors.value = {};
    openings = [];
  }

  return { replayId, runId, speed, paused, ended, errors, busy, view, position, total, active, canPause, canResume, start, pause, resume, stop, seek, setSpeed, close };
});
