// What a logged run can still be asked from History: resume an interrupted run on the chosen board,
// re-score it with another profile or configuration (a derived run linked to it), re-measure it on
// a board (a new linked run), re-decode its wire log against its stored blocks, and export it
// (a download in a browser; in the desktop app, a file the engine writes where the save dialog
// said). Errors land by the field the engine names.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { RedecodeReport } from '../../../shared/api/compare';
import { DOWNLOAD_EXTENSIONS, downloadUrl, type ExportFileFormat } from '../../../shared/api/downloads';
import type { MODES } from '../../../shared/model/modes';
import { desktopBridge } from '../api/desktop-bridge';
import { errorsOf, type FieldErrors } from '../forms/field-errors';
import { useBenchStore } from './bench';
import { useConnectionStore } from './connection';

export interface RescoreForm {
  mode: '' | (typeof MODES)[number];
  boundary: string;
  skip: string;
  profile: string;
  label: string;
}

export const RESCORE_FIELDS = ['mode', 'boundary', 'skip', 'profile', 'label', 'run'] as const;
export const BOARD_ACTION_FIELDS = ['board', 'die', 'faults', 'simBaud', 'run', 'label'] as const;
export const EXPORT_FIELDS = ['format', 'out', 'run', 'with'] as const;

export const emptyRescore = (): RescoreForm => ({ mode: '', boundary: '', skip: '', profile: '', label: '' });

/** A whole number from a field, or undefined when it is empty; NaN is sent as is, for the engine to name. */
const optionalInt = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s.trim()));

/** The re-score's params from the dialog: only what the user set (the rest stays as the run had it). */
export function rescoreParams(run: number, f: RescoreForm) {
  const boundary = optionalInt(f.boundary);
  const skip = optionalInt(f.skip);
  return {
    run,
    ...(f.mode ? { mode: f.mode } : {}),
    ...(boundary === undefined ? {} : { boundary }),
    ...(skip === undefined ? {} : { skip }),
    ...(f.profile.trim() ? { profile: f.profile.trim() } : {}),
    ...(f.label.trim() ? { label: f.label.trim() } : {}),
  };
}

/** A file name for a run's export. */
export function exportFileName(run: number, format: ExportFileFormat, withRun: number | null = null): string {
  const ext = DOWNLOAD_EXTENSIONS[format];
  return withRun === null ? `run-${run}.${ext}` : `compare-${run}-${withRun}.${ext}`;
}

export const useRunActionsStore = defineStore('runActions', () => {
  const conn = useConnectionStore();
  const bench = useBenchStore();
  const busy = ref<string | null>(null);
  const errors = ref<FieldErrors>({});
  const redecode = shallowRef<RedecodeReport | null>(null);
  const saved = ref<string | null>(null);

  async function act<T>(name: string, fields: readonly string[], what: () => Promise<T>): Promise<T | null> {
    busy.value = name;
    errors.value = {};
    try {
      return await what();
    } catch (e) {
      errors.value = errorsOf(e, fields);
      return null;
    } finally {
      busy.value = null;
    }
  }

  /** Take an interrupted run up again on the board chosen in the Bench screen; its id, or null. */
  const resume = (run: number) => act('resume', BOARD_ACTION_FIELDS, async () => (await conn.client().call('runs.resume', { run, ...bench.choice })).runId);

  const rescore = (run: number, f: RescoreForm) => act('rescore', RESCORE_FIELDS, async () => (await conn.client().call('runs.rescore', rescoreParams(run, f))).runId);

  const remeasure = (run: number) => act('remeasure', BOARD_ACTION_FIELDS, async () => (await conn.client().call('runs.remeasure', { run, ...bench.choice })).runId);

  async function redecodeRun(run: number): Promise<void> {
    redecode.value = null;
    redecode.value = await act('redecode', ['run'], () => conn.client().call('runs.redecode', { run }));
  }

  /** Where a browser downloads the export from (web mode), or null without a token. */
  function downloadHref(run: number, format: ExportFileFormat, withRun: number | null = null): string | null {
    const a = conn.address;
    if (!a || a.token === null) return null;
    return downloadUrl(a.httpUrl.replace(/\/$/, ''), a.token, run, format, withRun ?? undefined);
  }

  /** The desktop app: the save dialog picks the file, the engine writes the export there. */
  async function saveExport(run: number, format: ExportFileFormat, withRun: number | null = null): Promise<boolean> {
    const bridge = desktopBridge();
    if (!bridge) return false;
    saved.value = null;
    const written = await act('export', EXPORT_FIELDS, async () => {
      const ext = DOWNLOAD_EXTENSIONS[format];
      // the bridge's dialog writes what it is given; the engine then writes the export over it
      const picked = await bridge.saveFile({
        title: 'Export',
        defaultName: exportFileName(run, format, withRun),
        filters: [{ name: format, extensions: [ext] }],
        text: '',
      });
      if (!picked) return null;
      return conn.client().call('export.write', { run, format, out: picked.path, ...(withRun === null ? {} : { with: withRun }) });
    });
    if (written) saved.value = `${written.path} (${written.bytes.toLocaleString('en-US')} bytes)`;
    return written !== null;
  }

  function reset(): void {
    errors.value = {};
    redecode.value = null;
    saved.value = null;
  }

  return { busy, errors, redecode, saved, resume, rescore, remeasure, redecodeRun, downloadHref, saveExport, reset, isDesktop: () => desktopBridge() !== null };
});
