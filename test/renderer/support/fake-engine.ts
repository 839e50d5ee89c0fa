// An engine behind a fake socket, for the stores and components: each request is answered by a
// handler (a thrown RpcErrorBody is sent as the JSON-RPC error), documents are pushed as
// run.document notifications, and a refused engine closes the socket before it opens.
import type { SocketLike } from '../../../shared/api/client';
import type { RpcErrorBody, WireDocument } from '../../../shared/api/rpc';
import { setConnectionDeps } from '../../../renderer/src/stores/connection';

export type Handler = (method: string, params: Record<string, unknown>) => unknown;

/** What a handler throws to answer with a JSON-RPC error. */
export class EngineError extends Error {
  constructor(readonly body: RpcErrorBody) {
    super(body.message);
  }
}

export const engineError = (code: number, message: string, field?: string) =>
  new EngineError(field === undefined ? { code, message } : { code, message, data: { field } });

class FakeSocket implements SocketLike {
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { readonly data: unknown }) => void) | null = null;
  onclose: ((e: { readonly code: number; readonly reason: string }) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  open = false;

  constructor(private readonly engine: FakeEngine) {
    queueMicrotask(() => {
      if (engine.refuse) {
        this.onerror?.({});
        this.onclose?.({ code: 1006, reason: '' });
      } else {
        this.open = true;
        this.onopen?.({});
      }
    });
  }

  send(text: string): void {
    const req = JSON.parse(text) as { id: number; method: string; params: Record<string, unknown> };
    this.engine.requests.push({ method: req.method, params: req.params });
    void Promise.resolve()
      .then(() => this.engine.handler(req.method, req.params))
      .then(
        (result) => this.deliver({ jsonrpc: '2.0', id: req.id, result: result ?? null }),
        (e: unknown) => this.deliver({ jsonrpc: '2.0', id: req.id, error: e instanceof EngineError ? e.body : { code: -32603, message: String(e) } }),
      );
  }

  deliver(message: unknown): void {
    if (this.open) this.onmessage?.({ data: JSON.stringify(message) });
  }

  close(): void {
    this.open = false;
    this.onclose?.({ code: 1000, reason: '' });
  }
}

export class FakeEngine {
  readonly sockets: FakeSocket[] = [];
  readonly requests: { method: string; params: Record<string, unknown> }[] = [];
  refuse = false;
  reachable = true;

  constructor(public handler: Handler = () => null) {}

  /** Use this engine for the connection store, at an address with `search` as its query. */
  install(search = '?token=good'): void {
    setConnectionDeps({
      socket: () => {
        const s = new FakeSocket(this);
        this.sockets.push(s);
        return s;
      },
      location: { protocol: 'http:', host: '127.0.0.1:4000', search },
      probe: () => Promise.resolve(this.reachable),
      retryMs: 60_000,
    });
  }

  push(doc: WireDocument): void {
    for (const s of this.sockets) s.deliver({ jsonrpc: '2.0', method: 'run.document', params: { document: doc } });
  }
}

/** Let queued promise callbacks and microtasks run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setTimeout(r, 0));
}

/** Resolves once `check` holds (polled: the view is committed at animation frames). */
export async function until(check: () => boolean, what = 'the condition'): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise<void>((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}
