// A simulated board: firmware and silicon that outlive any one connection, attached to the board
// end of a line transport through a UART link model and a fault injector.
import type { Clock } from '../../shared/clock';
import type { LineTransport } from '../transport/line-transport';
import type { DieConfig } from './die-config';
import { FaultInjector, NO_FAULTS, type FaultSpec } from './faults';
import { SimFirmware } from './firmware';
import { PacedWire, UNPACED, type LinkTiming, type WireStats } from './link';
import { SimDie } from './silicon';

export interface SimBoardOptions {
  readonly die: DieConfig;
  readonly clock: Clock;
  readonly link?: LinkTiming;
  readonly faults?: FaultSpec;
}

interface Attachment {
  readonly transport: LineTransport;
  readonly out: PacedWire;
  readonly inbound: PacedWire;
}

export class SimBoard {
  readonly firmware: SimFirmware;
  private readonly faults: FaultInjector;
  private attached: Attachment | null = null;
  /** the last attachment's wires: lines and bytes each way, and time the wire was busy */
  toHost: WireStats = { lines: 0, bytes: 0, busyMs: 0 };
  toBoard: WireStats = { lines: 0, bytes: 0, busyMs: 0 };

  constructor(private readonly options: SimBoardOptions) {
    this.faults = new FaultInjector(options.faults ?? NO_FAULTS);
    this.firmware = new SimFirmware({
      die: new SimDie(options.die),
      clock: options.clock,
      send: (line) => {
        const passed = this.faults.pass(line);
        if (passed !== null) this.attached?.out.push(passed);
      },
    });
  }

  /** Connect the board to the board end of a transport (one at a time). */
  attach(transport: LineTransport): void {
    this.detach();
    const { clock } = this.options;
    const link = this.options.link ?? UNPACED;
    const spec = this.faults.spec;
    const out = new PacedWire(link, clock, (line) => {
      if (!transport.closed) transport.send(line);
    });
    const inbound = new PacedWire(link, clock, (line) => {
      const n = ++this.faults.received;
      if (spec.disconnectAfter !== null && n === spec.disconnectAfter + 1) {
        void transport.close();
        return;
      }
      if (spec.rebootAfter !== null && n === spec.rebootAfter + 1) this.firmware.reboot();
      if (spec.hangAfter !== null && n > spec.hangAfter) this.firmware.hang();
      const passed = this.faults.pass(line);
      if (passed !== null) this.firmware.receive(passed);
    });
    const attachment: Attachment = { transport, out, inbound };
    this.attached = attachment;
    this.toHost = out.stats;
    this.toBoard = inbound.stats;
    transport.onLine((line) => {
      if (this.attached === attachment) inbound.push(line);
    });
    transport.onClose(() => {
      if (this.attached === attachment) this.detach();
    });
  }

  detach(): void {
    this.attached?.out.stop();
    this.attached?.inbound.stop();
    this.attached = null;
  }

  /** Switch the board off. */
  stop(): void {
    this.detach();
    this.firmware.shutdown();
  }
}

/** A board attached to one transport, for the common case. */
export function attachSimBoard(transport: LineTransport, options: SimBoardOptions): SimBoard {
  const board = new SimBoard(options);
  board.attach(transport);
  return board;
}
