// Die profiles: those saved in the engine's profiles folder (profiles.list), and the one open in
// the editor: read (profiles.get, or the spec's defaults), edited, checked by the engine
// (profiles.save with check) and saved under a name. Errors are kept by the field they name.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { SavedProfile } from '../../../shared/api/rpc';
import { errorsOf, type FieldErrors } from '../forms/field-errors';
import { defaultDraft, draftKeys, draftOf, localProfileErrors, profileErrors, profileFileOf, type ProfileDraft } from '../forms/profile-form';
import { useConnectionStore } from './connection';

export type CheckState = 'unchecked' | 'checking' | 'valid' | 'invalid';

/** A name a profile can be saved under (rpc.ts profileName). */
export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const useProfilesStore = defineStore('profiles', () => {
  const conn = useConnectionStore();
  const saved = shallowRef<SavedProfile[]>([]);
  const listError = ref<string | null>(null);
  const loaded = ref(false);

  /** the profile open in the editor: where it came from (null: the defaults) and its fields */
  const source = ref<string | null>(null);
  const draft = ref<ProfileDraft>(defaultDraft());
  const name = ref('');
  const errors = ref<FieldErrors>({});
  const check = ref<CheckState>('unchecked');
  const busy = ref(false);
  /** the path of the profile last saved from the editor */
  const savedPath = ref<string | null>(null);

  const keys = computed(() => draftKeys(draft.value));

  async function refresh(): Promise<void> {
    try {
      const got = await conn.client().call('profiles.list', {});
      // an engine from before the method (or a test's) may answer nothing
      saved.value = Array.isArray(got) ? got : [];
      listError.value = null;
    } catch (e) {
      listError.value = e instanceof Error ? e.message : String(e);
    } finally {
      loaded.value = true;
    }
  }

  /** Open a saved profile (by its path, as a run names it) or, for undefined, the spec's defaults. */
  async function open(path: string | undefined): Promise<void> {
    errors.value = {};
    check.value = 'unchecked';
    savedPath.value = null;
    if (path === undefined) {
      source.value = null;
      draft.value = defaultDraft();
      name.value = '';
      return;
    }
    busy.value = true;
    try {
      const known = saved.value.find((p) => p.path === path);
      const got = await conn.client().call('profiles.get', known ? { name: known.name } : { path });
      source.value = got.path;
      draft.value = draftOf(got.profile);
      name.value = got.name ?? known?.name ?? '';
    } catch (e) {
      errors.value = errorsOf(e, []);
    } finally {
      busy.value = false;
    }
  }

  function touched(): void {
    check.value = 'unchecked';
    savedPath.value = null;
  }

  async function submit(checkOnly: boolean): Promise<string | null> {
    busy.value = true;
    errors.value = {};
    check.value = 'checking';
    savedPath.value = null;
    // a check needs a name too (the method's params); any valid one will do
    const asName = checkOnly && !PROFILE_NAME.test(name.value) ? 'unsaved' : name.value;
    try {
      const r = await conn.client().call('profiles.save', { name: asName, profile: profileFileOf(draft.value), check: checkOnly });
      check.value = 'valid';
      if (checkOnly) return null;
      savedPath.value = r.path;
      source.value = r.path;
      await refresh();
      return r.path;
    } catch (e) {
      // the engine names its first issue; the model's own check finds the others
      errors.value = { ...localProfileErrors(draft.value), ...profileErrors(e, keys.value) };
      check.value = 'invalid';
      return null;
    } finally {
      busy.value = false;
    }
  }

  /** The engine's check of the draft; errors by field. */
  const validate = (): Promise<string | null> => submit(true);
  /** Save the draft under `name`; the saved file's path, or null (errors by field). */
  const save = (): Promise<string | null> => submit(false);

  return { saved, listError, loaded, source, draft, name, errors, check, busy, savedPath, keys, refresh, open, touched, validate, save };
});
