// The API's methods (shared/api/rpc.ts), each a thin call into the Bench service. Params arrive
// already validated; what the bench refuses it throws, and the dispatcher maps to an error.
import { METHODS, RPC_ERRORS, type BenchInfo, type BoardInfoResult, type MethodName, type PortInfo, type ReplayState, type WireDocument } from '../../shared/api/rpc';
import { FieldError } from '../../shared/api/run-options';
import { ProfileError, type DieProfile } from '../../shared/model/profile';
import { loadProfile } from '../files/profile-file';
import type { ReplayHandle } from '../replay/operations';
import type { BenchApi, RunHandle } from '../service/bench-api';
import { writeExportFile } from '../service/exports';
import { ProfileLibrary, readProfileFile } from '../service/profiles';
import type { RunRecords } from '../service/run-records';
import { importMatrix } from '../service/stimulus-import';
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
  /** send a replay's documents as replay.document notifications (its progress paced for display, if asked); stop it when the client leaves */
  watchReplay(replayId: number, handle: ReplayHandle, forDisplay: boolean): void;
  /** a replay this client started, until its documents end */
  replay(replayId: number): ReplayHandle | undefined;
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
  const folders = () => {
    if (!bench.folders) throw refused('this engine keeps no profiles or imports folder (serve it with a store: osa-bench serve --db FILE)');
    return bench.folders;
  };
  const library = () => new ProfileLibrary(folders().profiles);
  /** a profile a request names: a saved profile's name, else a profile file's path; the default without one */
  const profileNamed = async (ref: string | undefined): Promise<DieProfile> => {
    if (ref === undefined) return loadProfile();
    const saved = bench.folders ? (await library().list()).find((p) => p.name === ref) : undefined;
    try {
      return await loadProfile(saved?.path ?? ref);
    } catch (e) {
      throw e instanceof ProfileError ? new FieldError('profile', e.message) : e;
    }
  };
  let nextReplay = 1;
  const replayOf = (replayId: number, ctx: ClientSide): ReplayHandle => {
    const h = ctx.replay(replayId);
    if (!h || h.documents.isEnded) throw refused(`replay ${replayId} is not playing on this connection`);
    return h;
  };
  const replayState = (replayId: number, h: ReplayHandle): ReplayState => ({
    replayId,
    paused: h.control.isPaused,
    position: h.control.position,
    speed: h.control.speed,
  });

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

    // ---- the session and what a run is configured with ----
    'session.get': () => bench.sessionInfo(),
    'session.set': (p) => bench.setSession(p),
    'profiles.list': () => (bench.folders ? library().list() : []),
    'profiles.get': (p) => ('name' in p ? library().get({ name: p.name }) : readProfileFile(p.path)),
    'profiles.save': (p) => library().save(p.name, p.profile, p.check),
    'calibrations.list': (p) => bench.store.calibrations(p.dieId),
    'stimulus.import': async (p) => importMatrix(folders().imports, p, await profileNamed(p.profile)),

    // ---- logged runs ----
    'runs.resume': async (p) => track(await bench.resumeRun(p.run, { board: p.board, die: p.die, faults: p.faults, simBaud: p.simBaud, anyBoard: p.anyBoard })),
    'runs.rescore': async ({ run, ...request }) => track(await bench.rescoreRun(run, request)),
    'runs.remeasure': async (p) =>
      track(await bench.remeasureRun(p.run, { board: p.board, die: p.die, faults: p.faults, simBaud: p.simBaud, label: p.label, wireLog: p.wireLog })),
    'runs.redecode': (p) => bench.redecodeRun(p.run),
    'replay.start': (p, ctx) => {
      const handle = bench.replayRun(p.run, { speed: p.speed, fromVector: p.fromVector, withData: false });
      const replayId = nextReplay++;
      // the documents follow the answer (the replay's stream keeps those it emits before then)
      ctx.afterReply(() => ctx.watchReplay(replayId, handle, p.forDisplay));
      return { replayId, runId: handle.runId, guid: handle.guid };
    },
    'replay.pause': (p, ctx) => {
      const h = replayOf(p.replayId, ctx);
      h.control.pause();
      return replayState(p.replayId, h);
    },
    'replay.resume': (p, ctx) => {
      const h = replayOf(p.replayId, ctx);
      h.control.resume();
      return replayState(p.replayId, h);
    },
    'replay.seek': (p, ctx) => {
      const h = replayOf(p.replayId, ctx);
      h.control.seek(p.vector, p.runId);
      return replayState(p.replayId, h);
    },
    'replay.speed': (p, ctx) => {
      const h = replayOf(p.replayId, ctx);
      h.control.setSpeed(p.speed);
      return replayState(p.replayId, h);
    },
    'replay.stop': (p, ctx) => {
      const h = replayOf(p.replayId, ctx);
      h.control.abort();
      return replayState(p.replayId, h);
    },
    'compare.run': (p) => bench.compareRun(p.run, { scanVectors: p.scanVectors, outliers: p.outliers }),
    'compare.runs': (p) => bench.compareRuns(p.run, p.with),
    'export.write': (p) => writeExportFile(bench.store, p),
  };
}
