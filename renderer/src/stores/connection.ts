// The one connection to the engine. Every other store calls the engine through `client()`; no
// component touches the socket. A first open that fails is explained on the page: a browser
// cannot read the 401 of a refused upgrade, so the engine's HTTP root is probed: when it answers,
// the engine is there and refused the token; when it does not, the engine is not reachable (and
// the page keeps trying).
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import { CLIENT_ERRORS, EngineClient, RpcClientError, type ConnectionState, type SocketFactory } from '../../../shared/api/client';
import { engineAddress, type EngineAddress, type PageLocation } from '../api/engine-address';

export type ProblemKind = 'refused' | 'unreachable' | 'lost';

export interface ConnectionProblem {
  readonly kind: ProblemKind;
  readonly title: string;
  readonly detail: string;
}

export interface ConnectionDeps {
  readonly socket: SocketFactory;
  readonly location: PageLocation;
  /** does the engine's HTTP root answer? */
  readonly probe: (httpUrl: string) => Promise<boolean>;
  /** wait before trying an unreachable engine again */
  readonly retryMs: number;
}

const browserDeps = (): ConnectionDeps => ({
  socket: (url) => new WebSocket(url),
  location: window.location,
  probe: async (url) => {
    try {
      const res = await fetch(url, { method: 'HEAD', cache: 'no-store' });
      return res.status > 0;
    } catch {
      return false;
    }
  },
  retryMs: 3000,
});

let deps: ConnectionDeps | null = null;

/** Tests (and the desktop shell, if it ever needs to) replace how the page reaches the engine. */
export function setConnectionDeps(d: ConnectionDeps | null): void {
  deps = d;
}

export const REFUSED_TITLE = 'The engine refused the connection: the token in the address is missing or wrong.';

export const useConnectionStore = defineStore('connection', () => {
  const state = ref<ConnectionState | 'idle'>('idle');
  const problem = ref<ConnectionProblem | null>(null);
  const attempt = ref(0);
  /** reconnecting: when the client tries next (Date.now ms) */
  const nextAttemptAt = ref<number | null>(null);
  const address = shallowRef<EngineAddress | null>(null);
  const current = shallowRef<EngineClient | null>(null);
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const isOpen = computed(() => state.value === 'open');

  function client(): EngineClient {
    if (!current.value || state.value !== 'open') throw new RpcClientError(CLIENT_ERRORS.DISCONNECTED, 'not connected to the engine');
    return current.value;
  }

  async function connect(): Promise<void> {
    const d = deps ?? browserDeps();
    const addr = engineAddress(d.location);
    address.value = addr;
    if (retryTimer !== null) clearTimeout(retryTimer);
    retryTimer = null;
    current.value?.close();
    const c = markRaw(new EngineClient({ url: addr.apiUrl, socket: d.socket, callTimeoutMs: 120_000 }));
    current.value = c;
    c.onStatus((s) => {
      if (current.value !== c) return;
      state.value = s.state;
      attempt.value = s.attempt;
      nextAttemptAt.value = s.nextAttemptAt;
      if (s.state === 'open') problem.value = null;
      else if (s.state === 'reconnecting')
        problem.value = {
          kind: 'lost',
          title: 'The connection to the engine was lost; reconnecting…',
          detail: `Attempt ${s.attempt}. Runs go on in the engine meanwhile, and their plots catch up once the connection is back.`,
        };
    });
    state.value = 'connecting';
    try {
      await c.connect();
    } catch {
      if (current.value !== c) return;
      if (addr.token === null) return refused('This address has no ?token=. Open the address that `osa-bench serve` printed, which ends in ?token=…');
      if (await d.probe(addr.httpUrl))
        return refused(
          `The engine at ${addr.host} is running, but did not accept the token in this address: it changes each time the engine starts. Open the address it printed this time.`,
        );
      state.value = 'failed';
      problem.value = {
        kind: 'unreachable',
        title: `Cannot reach the engine at ${addr.host}.`,
        detail: `Is \`osa-bench serve\` still running? Trying again every ${Math.round(d.retryMs / 1000)} s.`,
      };
      retryTimer = setTimeout(() => void connect(), d.retryMs);
    }
  }

  function refused(detail: string): void {
    state.value = 'failed';
    problem.value = { kind: 'refused', title: REFUSED_TITLE, detail };
  }

  function disconnect(): void {
    if (retryTimer !== null) clearTimeout(retryTimer);
    retryTimer = null;
    current.value?.close();
    current.value = null;
    state.value = 'closed';
  }

  return { state, problem, attempt, nextAttemptAt, address, isOpen, client, connect, disconnect };
});
