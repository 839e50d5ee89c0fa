// The engine and the board: what the engine is (bench.info), the serial ports it sees, the board
// chosen for runs (the simulated one with its die, faults and baud rate, a port, or a TCP address,
// kept across visits) and that board's identity (board.info).
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { BenchInfo, BoardInfoResult, PortInfo } from '../../../shared/api/rpc';
import { errorsOf, type FieldErrors } from '../forms/field-errors';
import { loadJson, saveJson } from './persist';
import { useConnectionStore } from './connection';

export type BoardKind = 'sim' | 'serial' | 'tcp';

export interface BoardSelection {
  kind: BoardKind;
  /** sim: a die file ('' for the default die) */
  die: string;
  /** sim: faults to inject, `drop=0.01,reboot-after=500` ('' for none) */
  faults: string;
  /** sim: pace the link at this baud rate (null: unpaced) */
  simBaud: number | null;
  /** serial: a device path */
  port: string;
  /** tcp: HOST:PORT */
  tcp: string;
}

/** What a run or procedure is given as its board. */
export interface BoardChoice {
  readonly board: string;
  readonly die?: string;
  readonly faults?: string;
  readonly simBaud?: number;
}

/** The simulated dies that ship with the engine (paths as the engine reads them). */
export const SIM_DIES: readonly { readonly path: string; readonly name: string }[] = [
  { path: '', name: 'default (the spec’s typical die)' },
  { path: 'drivers/sim/dies/typical.json', name: 'typical' },
  { path: 'drivers/sim/dies/noisy.json', name: 'noisy' },
  { path: 'drivers/sim/dies/stuck-cells.json', name: 'stuck cells' },
];

export const BOARD_FIELDS = ['board', 'die', 'faults', 'simBaud'] as const;

/** What `faults` takes (drivers/sim/faults.ts; `osa-bench sim --help`). */
export const FAULT_SYNTAX: readonly { readonly key: string; readonly what: string }[] = [
  { key: 'corrupt=R', what: 'flip one character of a line with probability R (0..1), either way' },
  { key: 'drop=R', what: 'lose a line with probability R, either way' },
  { key: 'corrupt-bytes=R', what: 'flip each byte of a line with probability R (a noisy wire)' },
  { key: 'hang-after=N', what: 'stop answering after N received lines (the link stays up)' },
  { key: 'disconnect-after=N', what: 'close the link after N received lines' },
  { key: 'reboot-after=N', what: 'reboot (lose all state, send ! BOOT) after N received lines' },
  { key: 'seed=S', what: 'seed of the fault draws (default 1)' },
];

const DEFAULT_SELECTION: BoardSelection = { kind: 'sim', die: '', faults: '', simBaud: null, port: '', tcp: '' };

export function boardChoice(s: BoardSelection): BoardChoice {
  if (s.kind === 'sim') {
    const die = s.die.trim();
    const faults = s.faults.trim();
    const baud = s.simBaud === null || Number.isNaN(s.simBaud) ? undefined : s.simBaud;
    return { board: 'sim', ...(die ? { die } : {}), ...(faults ? { faults } : {}), ...(baud !== undefined ? { simBaud: baud } : {}) };
  }
  if (s.kind === 'serial') return { board: s.port.trim() };
  const address = s.tcp.trim();
  return { board: address.startsWith('tcp://') ? address : `tcp://${address}` };
}

export function describeBoard(s: BoardSelection): string {
  if (s.kind === 'sim') {
    const die = s.die ? `die ${SIM_DIES.find((d) => d.path === s.die)?.name ?? s.die}` : 'default die';
    const extras = [s.faults.trim() ? `faults ${s.faults.trim()}` : '', s.simBaud ? `${s.simBaud} baud` : ''].filter(Boolean);
    return [`simulated board, ${die}`, ...extras].join(', ');
  }
  if (s.kind === 'serial') return s.port ? `serial ${s.port}` : 'serial (no port chosen)';
  return s.tcp ? `tcp://${s.tcp.replace(/^tcp:\/\//, '')}` : 'TCP (no address)';
}

export const useBenchStore = defineStore('bench', () => {
  const conn = useConnectionStore();
  const info = shallowRef<BenchInfo | null>(null);
  const ports = shallowRef<PortInfo[]>([]);
  const portsError = ref<string | null>(null);
  const selection = ref<BoardSelection>({ ...DEFAULT_SELECTION, ...loadJson<Partial<BoardSelection>>('board', {}) });
  const identity = shallowRef<BoardInfoResult | null>(null);
  const identifying = ref(false);
  const errors = ref<FieldErrors>({});

  watch(selection, (s) => saveJson('board', s), { deep: true });
  watch(
    selection,
    () => {
      identity.value = null;
      errors.value = {};
    },
    { deep: true },
  );

  const choice = computed(() => boardChoice(selection.value));
  const description = computed(() => describeBoard(selection.value));

  // the serial ports are listed once a screen shows them, not at every connect: listing them holds
  // the engine 0.1-0.5 s (udev), which a page opened on the History waited out before its rows
  let portsWanted = false;

  async function refresh(): Promise<void> {
    const c = conn.client();
    info.value = await c.call('bench.info', {});
    if (portsWanted) await refreshPorts();
  }

  /** A screen shows the ports: list them now and at each reconnect. */
  function showPorts(): Promise<void> {
    portsWanted = true;
    return refreshPorts();
  }

  async function refreshPorts(): Promise<void> {
    try {
      ports.value = await conn.client().call('ports.list', {});
      portsError.value = null;
    } catch (e) {
      ports.value = [];
      portsError.value = e instanceof Error ? e.message : String(e);
    }
  }

  async function identify(): Promise<void> {
    identifying.value = true;
    errors.value = {};
    identity.value = null;
    try {
      // board.info knows the board and die; faults and pacing belong to a run's link
      const { board, die } = choice.value;
      identity.value = await conn.client().call('board.info', die === undefined ? { board } : { board, die });
    } catch (e) {
      errors.value = errorsOf(e, BOARD_FIELDS);
    } finally {
      identifying.value = false;
    }
  }

  return { info, ports, portsError, selection, identity, identifying, errors, choice, description, refresh, refreshPorts, showPorts, identify };
});
