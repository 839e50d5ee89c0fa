// The API's methods (shared/api/rpc.ts), each a thin call into the Bench service. Params arrive
// already validated; what the bench refuses it throws, and the dispatcher maps to an error.
import { METHODS, RPC_ERRORS, type BenchInfo, type BoardInfoResult, type MethodName, type PortInfo, type WireDocument } from '../../shared/api/rpc';
import type { BenchApi, RunHandle } from '../service/bench-api';
import type { RunRecords } from '../service/run-records';
import { RpcError, type Handlers } from './rpc-dispatch';
import { batchDataWire, wireDocument } from './wire';

/** The API's version in bench.info: raised when a method or a document changes incompatibly. */
export const API_VERSION = 1;

export interface MethodDeps {
  readonly bench: BenchApi;
  readonly records: RunRecords;
  readonly boardInfo: (choice: { board: string; die?: string | undefined; profile?: string | undefined }) => Promise<BoardInfoResult>;
  readonly listPorts: () => Promise<PortInfo[]>;
  readonly about: { readonly name: string; readonly version: string; readonly db: string };
}

/** What a method may do to the connection it was called on. */
export interface ClientSide {
  /** send the documents of a run from `fromSeq` on, then its live ones */
  subscribe(runId: number, fromSeq: number): void;
  unsubscribe(runId: number): boolean;
}

const refused = (message: string) => new RpcError(RPC_ERRORS.REFUSED, message);

export function createMethods(deps: MethodDeps): Handlers<ClientSide> {
  const { bench } = deps;
  // runs and procedures started through this server, for bench.info
  const started = new Map<number, RunHandle>();
  const track = (h: RunHandle) => {
    started.set(h.runId, h);
    h.done.catch(() => undefined).finally(() => started.delete(h.runId));
    return { runId: h.runId, guid: h.guid };
  };
  const inFlight = (runId: number): RunHandle => {
    const h = bench.live(runId);
    if (!h || h.documents.isEnded) throw refused(`run ${runId} is not in flight in this engine`);
    return h;
  };
  const known = (runId: number) => {
    if (!bench.live(runId) && !bench.getRun(runId)) throw refused(`no run ${runId}`);
  };

  return {
    'bench.info': (): BenchInfo => ({
      ...deps.about,
      api: API_VERSION,
      methods: Object.keys(METHODS) as MethodName[],
      live: [...started.values()].filter((h) => !h.documents.isEnded).map((h) => ({ runId: h.runId, guid: h.guid, paused: h.control.isPaused })),
    }),
    'ports.list': () => deps.listPorts(),
    'board.info': (p) => deps.boardInfo(p),
    'runs.list': (p) => bench.listRuns({ limit: p.limit, tag: p.tag }),
    'runs.get': (p) => deps.records.detail(p.run),
    'runs.tag': (p) => deps.records.tag(p.run, p.add, p.remove),
    'runs.note': (p) => deps.records.note(p.run, p.text),
    'run.start': async (p) => track(await bench.startRun(p)),
    'procedure.start': async (p) => track(await bench.startProcedure(p)),
    'run.pause': (p) => {
      const h = inFlight(p.runId);
      h.control.pause();
      return { runId: p.runId, paused: h.control.isPaused };
    },
    'run.resume': (p) => {
      const h = inFlight(p.runId);
      h.control.resume();
      return { runId: p.runId, paused: h.control.isPaused };
    },
    'run.abort': (p) => {
      inFlight(p.runId).control.abort();
      return { runId: p.runId };
    },
    'run.subscribe': (p, ctx) => {
      known(p.runId);
      // the documents follow the answer
      ctx.afterReply(() => ctx.subscribe(p.runId, p.fromSeq));
      return { runId: p.runId, fromSeq: p.fromSeq, source: bench.live(p.runId) ? 'stream' : 'store' };
    },
    'run.unsubscribe': (p, ctx) => ({ runId: p.runId, subscribed: ctx.unsubscribe(p.runId) }),
    'run.read': (p) => {
      if (!bench.getRun(p.runId)) throw refused(`no run ${p.runId} in the store`);
      const documents: WireDocument[] = [];
      let next: number | null = null;
      for (const doc of bench.readRun(p.runId, { withData: false })) {
        if (doc.seq < p.fromSeq) continue;
        if (documents.length === p.limit) {
          next = doc.seq;
          break;
        }
        documents.push(wireDocument(doc));
      }
      return { runId: p.runId, documents, next };
    },
    'run.batchData': (p) => {
      const batch = deps.records.batch(p.runId, p.block);
      if (!batch) throw refused(`run ${p.runId} has no committed block ${p.block}`);
      return batchDataWire(batch);
    },
  };
}
