// osa-bench ports / board info: find boards and ask them who they are.
// The drivers (serialport) are imported by the actions that use them: --help starts without them.
import type { Command } from 'commander';
import { writeChunk, type CliIo } from '../io';

export function addBoardCommands(program: Command, io: CliIo): void {
  program
    .command('ports')
    .description('list serial ports with their USB vendor/product id, serial number and manufacturer')
    .option('--json', 'one JSON array')
    .action(async (o: { json?: boolean }) => {
      const { listSerialPorts } = await import('../../drivers/discovery');
      const ports = await listSerialPorts();
      if (o.json) return writeChunk(io.stdout, `${JSON.stringify(ports)}\n`);
      const rows = ports.map((p) => [p.path, p.vendorId && p.productId ? `${p.vendorId}:${p.productId}` : '-', p.serialNumber ?? '-', p.manufacturer ?? '-'].join('\t'));
      await writeChunk(io.stdout, `${['path\tvid:pid\tserial\tmanufacturer', ...rows].join('\n')}\n`);
    });

  const board = program.command('board').description('talk to one board');
  board
    .command('info')
    .description('identify a board and print its capabilities (one JSON object)')
    .requiredOption('--board <address>', 'a device such as /dev/ttyUSB0 or /dev/pts/N, or tcp://HOST:PORT')
    .option('--timeout-ms <ms>', 'answer timeout', (v) => Number(v), 1000)
    .action(async (o: { board: string; timeoutMs: number }) => {
      const [{ BoardClient }, { systemClock }, { parseBoardAddress, openBoardLink }] = await Promise.all([
        import('../../drivers/client/board-client'),
        import('../../drivers/clock'),
        import('../../drivers/board-address'),
      ]);
      const address = parseBoardAddress(o.board);
      if (address.kind === 'sim') throw new Error("--board sim has no link to open: run 'osa-bench sim --pty' and name its device");
      const client = new BoardClient(await openBoardLink(address), { clock: systemClock, timeoutMs: o.timeoutMs });
      try {
        const info = await client.connect();
        await writeChunk(io.stdout, `${JSON.stringify({ address: o.board, ...info }, null, 2)}\n`);
      } finally {
        await client.close();
      }
    });
}
