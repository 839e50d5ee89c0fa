// One run watched: its documents (from a subscription, or fed by a test) folded as they come, and
// the view committed to a Vue ref at most a few times a second (FrameThrottle). The plots and the
// progress read `view`; nothing is redrawn per document.
import { shallowRef, type ShallowRef } from 'vue';
import type { WireDocument } from '../../../shared/api/rpc';
import { FrameThrottle, type FrameScheduler } from './frame-throttle';
import { RunFold, type FoldLimits, type RunView } from './run-fold';

/** Where documents come from: the API client (EngineClient.subscribe) or a test. */
export interface DocumentSource {
  subscribe(runId: number, listener: (doc: WireDocument) => void, fromSeq?: number): { readonly ready: Promise<unknown>; close(): void };
}

export interface WatchOptions {
  readonly frames?: FrameScheduler;
  /** commits per second at most */
  readonly maxPerSecond?: number;
  readonly limits?: Partial<FoldLimits>;
  /** the run's own stop document arrived (the view is committed first) */
  readonly onStop?: (view: RunView) => void;
}

export class RunWatch {
  readonly view: ShallowRef<RunView>;
  private readonly fold: RunFold;
  private readonly throttle: FrameThrottle;
  private subscription: { close(): void } | null = null;
  private disposed = false;

  constructor(
    readonly runId: number,
    private readonly options: WatchOptions = {},
  ) {
    this.fold = new RunFold(runId, options.limits);
    this.view = shallowRef(this.fold.snapshot());
    this.throttle = new FrameThrottle(() => (this.view.value = this.fold.snapshot()), options.maxPerSecond ?? 5, options.frames);
  }

  /** Subscribe to the run's documents; resolves with the engine's answer (rejects with its error). */
  watch(source: DocumentSource): Promise<unknown> {
    const sub = source.subscribe(this.runId, (doc) => this.feed(doc));
    this.subscription = sub;
    return sub.ready;
  }

  feed(doc: WireDocument): void {
    if (this.disposed) return;
    this.fold.apply(doc);
    this.throttle.schedule();
    if (doc.type === 'stop' && doc.runId === this.runId) {
      // shown at once, whether or not a frame committed what came before it
      this.throttle.flush();
      this.options.onStop?.(this.view.value);
    }
  }

  get isEnded(): boolean {
    return this.fold.isEnded;
  }

  dispose(): void {
    this.disposed = true;
    this.throttle.cancel();
    this.subscription?.close();
    this.subscription = null;
  }
}
