import { readFile } from 'node:fs/promises';
import { DEFAULT_PROFILE, parseDieProfileJson, ProfileError, type DieProfile } from '../../shared/model/profile';

/** The die profile of a JSON file, or the defaults of spec section 2 when no file is given. */
export async function loadProfile(path?: string): Promise<DieProfile> {
  if (path === undefined) return DEFAULT_PROFILE;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ProfileError(path, [`cannot read: ${(e as Error).message}`]);
  }
  return parseDieProfileJson(text, path);
}
