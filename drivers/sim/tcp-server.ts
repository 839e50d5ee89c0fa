// The simulated board behind a TCP port, as a board behind ser2net would be: one board, one host
// at a time (a new connection takes over, as ser2net's kickolduser), and the board keeps its
// state across connections.
import { createServer, type Server, type Socket } from 'node:net';
import { socketTransport } from '../transport/tcp';
import { SimBoard, type SimBoardOptions } from './sim-board';

export interface SimTcpServer {
  readonly host: string;
  readonly port: number;
  readonly board: SimBoard;
  close(): Promise<void>;
}

export async function serveSimBoard(port: number, options: SimBoardOptions, host = '127.0.0.1'): Promise<SimTcpServer> {
  const board = new SimBoard(options);
  let current: Socket | null = null;
  const server: Server = createServer((socket) => {
    current?.destroy();
    const transport = socketTransport(socket, `tcp://${socket.remoteAddress}:${socket.remotePort}`);
    board.attach(transport);
    current = socket;
    transport.onClose(() => {
      if (current === socket) current = null;
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    host,
    port: actualPort,
    board,
    close: () =>
      new Promise<void>((resolve) => {
        board.stop();
        current?.destroy();
        server.close(() => resolve());
      }),
  };
}
