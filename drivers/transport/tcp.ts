// A board behind TCP: ser2net in front of a UART, or an FPGA with Ethernet.
import { connect, type Socket } from 'node:net';
import { StreamLineTransport } from './stream-transport';

export function socketTransport(socket: Socket, label: string): StreamLineTransport {
  socket.setNoDelay(true);
  return new StreamLineTransport(label, socket, () => new Promise<void>((resolve) => socket.end(resolve)));
}

export function openTcp(host: string, port: number, timeoutMs = 5000): Promise<StreamLineTransport> {
  const label = `tcp://${host}:${port}`;
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${label}: no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socketTransport(socket, label));
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${label}: ${e.message}`));
    });
  });
}
