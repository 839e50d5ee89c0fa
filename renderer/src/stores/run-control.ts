// A watched run (or procedure) with its controls: the documents folded by a RunWatch, and pause,
// resume and abort through the engine. The Run screen and the Procedures screen each hold one.
import { computed, markRaw, ref, shallowRef, type ComputedRef, type Ref } from 'vue';
import { RunWatch, type WatchOptions } from '../fold/run-watch';
import { isTerminal, type RunView } from '../fold/run-fold';
import { useConnectionStore } from './connection';

export interface WatchedRun {
  readonly view: ComputedRef<RunView | null>;
  readonly live: ComputedRef<boolean>;
  readonly canPause: ComputedRef<boolean>;
  readonly canResume: ComputedRef<boolean>;
  readonly controlError: Ref<string | null>;
  readonly confirmingAbort: Ref<boolean>;
  attach(runId: number): Promise<void>;
  /** a watch fed by hand (tests, a recorded stream) */
  attachWatch(w: RunWatch): void;
  detach(): void;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** first call asks for confirmation; confirm() aborts */
  requestAbort(): void;
  confirmAbort(): Promise<void>;
  cancelAbort(): void;
}

export function watchedRun(options: Omit<WatchOptions, 'frames'> = {}): WatchedRun {
  const conn = useConnectionStore();
  const current = shallowRef<RunWatch | null>(null);
  const controlError = ref<string | null>(null);
  const confirmingAbort = ref(false);

  const view = computed(() => current.value?.view.value ?? null);
  const live = computed(() => view.value !== null && !isTerminal(view.value.state));
  const canPause = computed(() => view.value?.state === 'running');
  const canResume = computed(() => view.value?.state === 'paused');

  function attachWatch(w: RunWatch): void {
    current.value?.dispose();
    current.value = markRaw(w);
    controlError.value = null;
    confirmingAbort.value = false;
  }

  async function attach(runId: number): Promise<void> {
    const w = new RunWatch(runId, options);
    attachWatch(w);
    try {
      await w.watch(conn.client());
    } catch (e) {
      controlError.value = e instanceof Error ? e.message : String(e);
    }
  }

  function detach(): void {
    current.value?.dispose();
    current.value = null;
  }

  async function control(method: 'run.pause' | 'run.resume' | 'run.abort'): Promise<void> {
    const runId = current.value?.runId;
    if (runId === undefined) return;
    controlError.value = null;
    try {
      await conn.client().call(method, { runId });
    } catch (e) {
      controlError.value = e instanceof Error ? e.message : String(e);
    }
  }

  return {
    view,
    live,
    canPause,
    canResume,
    controlError,
    confirmingAbort,
    attach,
    attachWatch,
    detach,
    pause: () => control('run.pause'),
    resume: () => control('run.resume'),
    requestAbort: () => {
      if (live.value) confirmingAbort.value = true;
    },
    confirmAbort: async () => {
      confirmingAbort.value = false;
      await control('run.abort');
    },
    cancelAbort: () => (confirmingAbort.value = false),
  };
}
