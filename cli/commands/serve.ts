// osa-bench serve: the engine for the desktop UI, a browser or a lab's scripts: JSON-RPC 2.0 over
// a WebSocket at /api and the built UI over HTTP (docs/api.md), until SIGINT or SIGTERM.
// The engine, SQLite and ws are imported when it starts: --help starts without them.
import { existsSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { defaultDatabasePath } from '../../engine/store/default-path';
import { writeChunk, type CliIo } from '../io';
import { integerIn } from '../options';
import { appVersion } from '../version';

const RENDERER = fileURLToPath(new URL('../../dist/renderer/', import.meta.url));

interface ServeOptions {
  port: number;
  host: string;
  token?: string;
  db?: string;
}

/** Resolves on SIGINT or SIGTERM. */
function untilStopped(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(signal);
    };
    const onInt = stop('SIGINT');
    const onTerm = stop('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
}

function operator(): string | null {
  try {
    return userInfo().username;
  } catch {
    return null;
  }
}

export function addServeCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('serve the engine until stopped: the API (JSON-RPC 2.0 over a WebSocket at /api, docs/api.md) and the UI over HTTP; prints "serving: URL"')
    .option('--port <p>', 'TCP port (0 picks a free one)', integerIn(0, 65535), 0)
    .option('--host <h>', 'address to listen on; anything but loopback needs --token', '127.0.0.1')
    .option('--token <t>', 'the API token, at least 16 characters (default: a random one per launch)')
    .option('--db <file>', `SQLite store (default ${defaultDatabasePath()})`)
    .action(async (o: ServeOptions) => {
      const [{ systemClock }, { serveBench, benchFolders }, { ServerConfigError }] = await Promise.all([
        import('../../drivers/clock'),
        import('../../engine/server/serve-bench'),
        import('../../engine/server/server'),
      ]);
      const dbPath = o.db ?? defaultDatabasePath();
      let served: Awaited<ReturnType<typeof serveBench>>;
      try {
        served = await serveBench(
          {
            dbPath,
            folders: benchFolders(dbPath),
            clock: systemClock,
            warmWriter: true,
            session: { operator: operator(), bench: hostname(), ambientC: null, notes: null },
            version: appVersion(),
            log: (line) => io.stderr.write(`osa-bench serve: ${line}\n`),
          },
          { host: o.host, port: o.port, token: o.token, staticDir: existsSync(RENDERER) ? RENDERER : null },
        );
      } catch (e) {
        if (!(e instanceof ServerConfigError)) throw e;
        io.stderr.write(`osa-bench: --${e.field}: ${e.message}\n`);
        io.exit.code = 2; // bad input (cli/run.ts)
        return;
      }
      const stopped = untilStopped();
      await writeChunk(io.stdout, `serving: ${served.server.url}\n`);
      const signal = await stopped;
      io.stderr.write(`osa-bench serve: ${signal}: stopping the runs and the server\n`);
      await served.close();
    });
}
