// The engine served: a Bench service on a store, with the server in front of it. `osa-bench serve`,
// the tests and the benchmark all start it this way; close() stops the runs (they end 'aborted',
// keeping what is committed) and then the server. The caller names the folders the engine keeps
// saved profiles and imported stimulus files in (benchFolders: beside the store).
import type { Clock } from '../../shared/clock';
import { listSerialPorts } from '../../drivers/discovery';
import { dirname, join } from 'node:path';
import { Bench, type BenchFolders, type BenchOptions } from '../service/bench';
import { boardInfo } from '../service/board-info';
import { runRecords } from '../service/run-records';
import { checkServerOptions, startServer, type EngineServer, type ServerOptions } from './server';

/** The folders beside a store: `<dir of db>/profiles` and `<dir of db>/imports`. */
export function benchFolders(dbPath: string): BenchFolders {
  const dir = dirname(dbPath);
  return { profiles: join(dir, 'profiles'), imports: join(dir, 'imports') };
}

export interface ServedBench {
  readonly bench: Bench;
  readonly server: EngineServer;
  close(): Promise<void>;
}

export async function serveBench(
  bench: BenchOptions & { readonly clock: Clock; readonly version: string; readonly log: (line: string) => void },
  options: ServerOptions = {},
): Promise<ServedBench> {
  checkServerOptions(options); // before the store is opened
  const service = new Bench(bench);
  let server: EngineServer;
  try {
    server = await startServer(
      {
        bench: service,
        records: runRecords(service.store),
        boardInfo: (choice) => boardInfo(choice, bench.clock),
        listPorts: () => listSerialPorts(),
        about: { name: 'osa-bench', version: bench.version, db: bench.dbPath },
        clock: bench.clock,
        log: bench.log,
      },
      options,
    );
  } catch (e) {
    await service.close();
    throw e;
  }
  return {
    bench: service,
    server,
    async close() {
      // the runs end first, so that their clients see them stop
      try {
        await service.close();
      } finally {
        await server.close();
      }
    },
  };
}
