// The die profiles a client saves in the engine's profiles folder (the API's profiles.*): one JSON
// file per profile, named by the profile's name, written through a temporary file and a rename so
// that a run never reads half a profile. A profile is checked as a run would load it (the file
// schema, the spec's cross-field rules, the protocol's line length); an error names the field at
// fault as `profile.<key>`.
import { mkdir, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FieldError } from '../../shared/api/run-options';
import type { SavedProfile } from '../../shared/api/rpc';
import { parseBoardDieProfile, ProfileError, type DieProfile } from '../../shared/model/profile';
import { loadProfile } from '../files/profile-file';

const EXT = '.json';
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A profile as its file spells it: every field, defaults filled in. */
export type ProfileFields = Record<string, unknown>;

export function profileFields(p: DieProfile): ProfileFields {
  return {
    rows: p.rows,
    outputs: p.outputs,
    inputBits: p.inputBits,
    weightBits: p.weightBits,
    adcBits: p.adcBits,
    salientInputBits: p.salientInputBits,
    levels: p.levels.map((l) => ({ boundary: l.boundary, skip: l.skip })),
    thresholds: [...p.thresholds],
    energy: { ...p.energy },
    clockMHz: p.clockMHz,
    vddV: p.vddV,
  };
}

/** The field a profile issue is about ("levels.0.skip: ...", "rows, inputBits, ...: ..."), under `profile.`. */
function issueField(issue: string): string {
  const unknown = /^(?:\(root\)|([A-Za-z0-9_.]+)): unknown field\(s\) ([A-Za-z0-9_]+)/.exec(issue);
  if (unknown) return ['profile', unknown[1], unknown[2]].filter(Boolean).join('.');
  const head = /^([A-Za-z0-9_.]+)[,:]/.exec(issue)?.[1];
  return head && head !== '(root)' ? `profile.${head}` : 'profile';
}

/** A ProfileError as a FieldError on its first issue's field. */
export function profileFieldError(e: ProfileError, field = 'profile'): FieldError {
  const issue = e.issues[0] ?? 'invalid';
  const at = issueField(issue);
  return new FieldError(field === 'profile' ? at : field, issue.replace(/^[^:]*:\s*/, ''));
}

/** Any profile file on the engine's machine, as its file's fields (all of them). */
export function readProfileFile(path: string): Promise<{ name: string | null; path: string; profile: ProfileFields }> {
  return readProfile(resolve(path), null);
}

async function readProfile(path: string, name: string | null): Promise<{ name: string | null; path: string; profile: ProfileFields }> {
  const field = name === null ? 'path' : 'name';
  let profile: DieProfile;
  try {
    profile = await loadProfile(path);
  } catch (e) {
    if (!(e instanceof ProfileError)) throw e;
    // a file that is not there is the name's (or path's) fault, as is one that is no profile
    if (e.issues.some((i) => i.includes('no such file') || i.includes('ENOENT'))) throw new FieldError(field, `no profile at ${path}`);
    throw new FieldError(field, e.message);
  }
  return { name, path, profile: profileFields(profile) };
}

export class ProfileLibrary {
  constructor(readonly dir: string) {}

  pathOf(name: string): string {
    if (!NAME.test(name)) throw new FieldError('name', 'letters, digits, dot, dash and underscore, at most 64');
    return join(resolve(this.dir), `${name}${EXT}`);
  }

  async list(): Promise<SavedProfile[]> {
    let files: string[];
    try {
      files = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return files
      .filter((f) => f.endsWith(EXT) && NAME.test(f.slice(0, -EXT.length)))
      .sort()
      .map((f) => ({ name: f.slice(0, -EXT.length), path: join(resolve(this.dir), f) }));
  }

  /** A saved profile, as its file's fields (all of them). */
  get(which: { name: string }): Promise<{ name: string | null; path: string; profile: ProfileFields }> {
    return readProfile(this.pathOf(which.name), which.name);
  }

  /** Check `fields` as a run would load them; unless `check`, save them under `name`. */
  async save(name: string, fields: ProfileFields, check: boolean): Promise<{ name: string; path: string | null; saved: boolean }> {
    const path = this.pathOf(name);
    let profile: DieProfile;
    try {
      profile = parseBoardDieProfile(fields, `profile ${name}`);
    } catch (e) {
      throw e instanceof ProfileError ? profileFieldError(e) : e;
    }
    if (check) return { name, path: null, saved: false };
    await mkdir(this.dir, { recursive: true });
    const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
    try {
      await writeFile(tmp, `${JSON.stringify(profileFields(profile), null, 2)}\n`);
      await rename(tmp, path);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    return { name, path, saved: true };
  }
}
