// The engine and the board: what the engine is (bench.info), the serial ports it sees, the board
// chosen for runs (the simulated one with its die, a port, or a TCP address, kept across visits)
// and that board's identity (board.info).
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
  /** serial: a device path */
  port: string;
  /** tcp: HOST:PORT */
  tcp: string;
}

/** What a run or procedure is given as its board. */
export interface BoardChoice {
  readonly board: string;
  readonly die?: string;
}

/** The simulated dies that ship with the engine (paths as the engine reads them). */
export const SIM_DIES: readonly { readonly path: string; readonly name: string }[] = [
  { path: '', name: 'default (the spec’s typical die)' },
  { path: 'drivers/sim/dies/typical.json', name: 'typical' },
  { path: 'drivers/sim/dies/noisy.json', name: 'noisy' },
  { path: 'drivers/sim/dies/stuck-cells.json', name: 'stuck cells' },
];

export const BOARD_FIELDS = ['board', 'die'] as const;

const DEFAULT_SELECTION: BoardSelection = { kind: 'sim', die: '', port: '', tcp: '' };

export function boardChoice(s: BoardSelection): BoardChoice {
  if (s.kind === 'sim') return s.die.trim() ? { board: 'sim', die: s.die.trim() } : { board: 'sim' };
  if (s.kind === 'serial') return { board: s.port.trim() };
  const address = s.tcp.trim();
  return { board: address.startsWith('tcp://') ? address : `tcp://${address}` };
}

export function describeBoard(s: BoardSelection): string {
  if (s.kind === 'sim') return s.die ? `simulated board, die ${SIM_DIES.find((d) => d.path === s.die)?.name ?? s.die}` : 'simulated board, default die';
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

  async function refresh(): Promise<void> {
    const c = conn.client();
    info.value = await c.call('bench.info', {});
    await refreshPorts();
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
      identity.value = await conn.client().call('board.info', choice.value);
    } catch (e) {
      errors.value = errorsOf(e, BOARD_FIELDS);
    } finally {
      identifying.value = false;
    }
  }

  return { info, ports, portsError, selection, identity, identifying, errors, choice, description, refresh, refreshPorts, identify };
});
