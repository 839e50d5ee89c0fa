// One run's stream of documents: it numbers them, keeps them for clients that join late or come
// back (batches without their typed arrays, so memory grows by a summary per batch), and hands
// each to every subscriber in order. A subscriber that throws is dropped; the run goes on.
import type { RunDocument, UnnumberedDocument } from '../../shared/api/documents';

export type DocumentListener = (doc: RunDocument) => void;

export class DocumentStream {
  private readonly history: RunDocument[] = [];
  private readonly listeners = new Set<DocumentListener>();
  private ended = false;
  private readonly waiters: (() => void)[] = [];

  /** Number a document, keep it, and deliver it to every subscriber. */
  emit(doc: UnnumberedDocument): RunDocument {
    if (this.ended) throw new Error('a stopped stream takes no more documents');
    const numbered = { ...doc, seq: this.history.length };
    // the typed arrays go to subscribers in process; the kept copy is the summary
    this.history.push(numbered.type === 'batch' && numbered.data ? withoutData(numbered) : numbered);
    for (const listener of [...this.listeners]) {
      try {
        listener(numbered);
      } catch {
        this.listeners.delete(listener);
      }
    }
    return numbered;
  }

  /** The stream has ended (after its last stop document): subscribers are released. */
  end(): void {
    this.ended = true;
    this.listeners.clear();
    for (const w of this.waiters.splice(0)) w();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** The next sequence number. */
  get length(): number {
    return this.history.length;
  }

  /** Documents kept from `fromSeq` on. */
  since(fromSeq: number): readonly RunDocument[] {
    return this.history.slice(Math.max(0, fromSeq));
  }

  /**
   * Deliver the kept documents from `fromSeq`, then each new one, until unsubscribed or the
   * stream ends. Returns the unsubscribe function.
   */
  subscribe(listener: DocumentListener, fromSeq = 0): () => void {
    for (const doc of this.since(fromSeq)) listener(doc);
    if (this.ended) return () => undefined;
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every document from `fromSeq` on, as an async iterable that ends with the stream. */
  async *iterate(fromSeq = 0): AsyncGenerator<RunDocument> {
    let next = fromSeq;
    for (;;) {
      while (next < this.history.length) yield this.history[next++] as RunDocument;
      if (this.ended) return;
      await new Promise<void>((r) => {
        const off = this.subscribe(() => {
          off();
          r();
        }, this.history.length);
        this.waiters.push(() => {
          off();
          r();
        });
      });
    }
  }
}

function withoutData<D extends { data?: unknown }>(doc: D): Omit<D, 'data'> {
  const copy = { ...doc };
  delete copy.data;
  return copy;
}
