// osa-bench sim: the simulated board as a stand-alone process, on a pseudo-terminal or a TCP port.
// The simulator and serialport are imported when it starts: --help starts without them.
import type { Command } from 'commander';
import type { DieConfig } from '../../drivers/sim/die-config';
import type { SimBoardOptions } from '../../drivers/sim/sim-board';
import { writeChunk, type CliIo } from '../io';
import { integerIn } from '../options';

/** DEFAULT_BAUD of drivers/transport/serial.ts (a test holds them equal), which imports serialport. */
const DEFAULT_BAUD = 3_000_000;

interface SimOptions {
  pty?: boolean;
  tcp?: number;
  die?: string;
  dieSeed?: number;
  baud: number;
  latencyMs: number;
  faults?: string;
}

/** Resolves on SIGINT or SIGTERM: the simulator serves until told to stop. */
function untilStopped(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => () => resolve(signal);
    process.once('SIGINT', stop('SIGINT'));
    process.once('SIGTERM', stop('SIGTERM'));
  });
}

export function addSimCommand(program: Command, io: CliIo): void {
  program
    .command('sim')
    .description('serve the simulated board on a pseudo-terminal (--pty) or a TCP port (--tcp PORT) until stopped')
    .option('--pty', 'make a pseudo-terminal pair (socat) and print "device: /dev/pts/N"')
    .option('--tcp <port>', 'listen on 127.0.0.1:PORT (0 picks a free port) and print "listening: tcp://127.0.0.1:PORT"', integerIn(0, 65535))
    .option('--die <file>', 'die configuration JSON (default: a typical die; samples in drivers/sim/dies/)')
    .option('--die-seed <n>', 'die seed: another die of the same configuration', integerIn(0, Number.MAX_SAFE_INTEGER))
    .option('--baud <b>', 'pace the link at B baud, 8N1 (0 = unpaced)', integerIn(0, 100_000_000), DEFAULT_BAUD)
    .option('--latency-ms <ms>', 'link latency each way', integerIn(0, 10_000), 0)
    .option('--faults <spec>', 'inject faults: corrupt=R,drop=R (per line), corrupt-bytes=R (per byte),hang-after=N,disconnect-after=N,reboot-after=N,seed=S')
    .action(async (o: SimOptions) => {
      if (Boolean(o.pty) === (o.tcp !== undefined)) throw new Error('give exactly one of --pty or --tcp PORT');
      const [{ systemClock }, { loadDieConfig, parseDieConfig }, { NO_FAULTS, parseFaultSpec }, { createPtyPair }, { SimBoard }, { serveSimBoard }, { openSerial }] =
        await Promise.all([
          import('../../drivers/clock'),
          import('../../drivers/sim/die-config'),
          import('../../drivers/sim/faults'),
          import('../../drivers/sim/pty-pair'),
          import('../../drivers/sim/sim-board'),
          import('../../drivers/sim/tcp-server'),
          import('../../drivers/transport/serial'),
        ]);
      let die: DieConfig = o.die ? await loadDieConfig(o.die) : parseDieConfig({});
      if (o.dieSeed !== undefined) die = { ...die, seed: o.dieSeed };
      const options: SimBoardOptions = {
        die,
        clock: systemClock,
        link: { baud: o.baud, latencyMs: o.latencyMs },
        faults: o.faults ? parseFaultSpec(o.faults) : NO_FAULTS,
      };
      const stopped = untilStopped();
      const say = (line: string) => writeChunk(io.stdout, `${line}\n`);
      let shutdown: () => Promise<void>;
      if (o.pty) {
        const pair = await createPtyPair();
        const board = new SimBoard(options);
        const end = await openSerial(pair.boardPath);
        board.attach(end);
        const unplugged = new Promise<string>((resolve) => end.onClose(() => resolve('disconnected')));
        shutdown = async () => {
          board.stop();
          await end.close();
          await pair.close();
        };
        await say(`device: ${pair.hostPath}`);
        await say(`die ${die.dieId} (serial ${die.serial}, seed ${die.seed}), link ${o.baud > 0 ? `${o.baud} baud` : 'unpaced'}`);
        const why = await Promise.race([stopped, unplugged]);
        await shutdown();
        await say(why === 'disconnected' ? 'stopped: the board dropped its link (fault injection)' : `stopped (${why})`);
        return;
      }
      const server = await serveSimBoard(o.tcp as number, options);
      shutdown = () => server.close();
      await say(`listening: tcp://${server.host}:${server.port}`);
      await say(`die ${die.dieId} (serial ${die.serial}, seed ${die.seed}), link ${o.baud > 0 ? `${o.baud} baud` : 'unpaced'}`);
      const why = await stopped;
      await shutdown();
      await say(`stopped (${why})`);
    });
}
