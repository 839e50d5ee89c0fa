// Stimulus and weight files the user picks (CSV or NPY): sent to the engine as base64
// (stimulus.import), which checks them against the run's profile and keeps them in its imports
// folder; a run names them by the path it answers. The last import of each kind is kept here.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ImportedMatrix } from '../../../shared/api/rpc';
import { useConnectionStore } from './connection';

export type MatrixKind = 'vectors' | 'weights';

export interface ImportState {
  readonly fileName: string;
  readonly busy: boolean;
  readonly result: ImportedMatrix | null;
  /** the engine's refusal, naming the file and line */
  readonly error: string | null;
}

/** The method's limit (64 MiB of file). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/** Base64 of bytes, in chunks (a 64 MiB file is too long for one String.fromCharCode call). */
export function bytesToBase64(bytes: Uint8Array): string {
  const CHUNK = 0x8000;
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

export const useStimulusStore = defineStore('stimulus', () => {
  const conn = useConnectionStore();
  const imports = ref<Record<MatrixKind, ImportState | null>>({ vectors: null, weights: null });

  /** Import a file's bytes; the answered matrix, or null (the error is kept under its kind). */
  async function importBytes(kind: MatrixKind, fileName: string, bytes: Uint8Array, profile: string | null): Promise<ImportedMatrix | null> {
    if (bytes.length > MAX_IMPORT_BYTES) {
      imports.value[kind] = {
        fileName,
        busy: false,
        result: null,
        error: `${fileName}: ${bytes.length} bytes, past the ${MAX_IMPORT_BYTES / 1024 / 1024} MiB an import takes`,
      };
      return null;
    }
    imports.value[kind] = { fileName, busy: true, result: null, error: null };
    try {
      const result = await conn.client().call('stimulus.import', { kind, fileName, base64: bytesToBase64(bytes), ...(profile ? { profile } : {}) });
      imports.value[kind] = { fileName, busy: false, result, error: null };
      return result;
    } catch (e) {
      imports.value[kind] = { fileName, busy: false, result: null, error: e instanceof Error ? e.message : String(e) };
      return null;
    }
  }

  function forget(kind: MatrixKind): void {
    imports.value[kind] = null;
  }

  return { imports, importBytes, forget };
});
