// A simulated board on the board end of any line transport: firmware and silicon, behind a UART
// link model and a fault injector.
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

export interface SimBoard {
  readonly firmware: SimFirmware;
  /** the wire from the board to the host, and from the host to the board */
  readonly toHost: WireStats;
  readonly toBoard: WireStats;
  /** switch the board off: timers stop, the link stays as it is */
  stop(): void;
}

export function attachSimBoard(transport: LineTransport, options: SimBoardOptions): SimBoard {
  const faults = new FaultInjector(options.faults ?? NO_FAULTS);
  const link = options.link ?? UNPACED;
  const out = new PacedWire(link, options.clock, (line) => {
    if (!transport.closed) transport.send(line);
  });
  const firmware = new SimFirmware({
    die: new SimDie(options.die),
    clock: options.clock,
    send: (line) => {
      const passed = faults.pass(line);
      if (passed !== null) out.push(passed);
    },
  });
  const spec = faults.spec;
  const inbound = new PacedWire(link, options.clock, (line) => {
    faults.received++;
    const n = faults.received;
    if (spec.disconnectAfter !== null && n > spec.disconnectAfter) {
      void transport.close();
      return;
    }
    if (spec.rebootAfter !== null && n === spec.rebootAfter + 1) firmware.reboot();
    if (spec.hangAfter !== null && n > spec.hangAfter) firmware.hang();
    const passed = faults.pass(line);
    if (passed !== null) firmware.receive(passed);
  });
  transport.onLine((line) => inbound.push(line));
  const stop = () => {
    firmware.shutdown();
    out.stop();
    inbound.stop();
  };
  transport.onClose(stop);
  return { firmware, toHost: out.stats, toBoard: inbound.stats, stop };
}
