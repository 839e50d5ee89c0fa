import { readFile, stat } from 'node:fs/promises';
import { DEFAULT_PROFILE, parseDieProfileJson, protocolFitIssues, ProfileError, type DieProfile } from '../../shared/model/profile';

/**
 * The die profile of a JSON file, or the defaults of spec section 2 when no file is given. A
 * profile file describes a die that goes on a board: one whose vectors or results cannot fit the
 * protocol's lines is refused here, not half-way through a run.
 */
export async function loadProfile(path?: string): Promise<DieProfile> {
  if (path === undefined) return DEFAULT_PROFILE;
  let text: string;
  try {
    if ((await stat(path)).isDirectory()) throw new ProfileError(path, ['is a folder, not a profile JSON file']);
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (e instanceof ProfileError) throw e;
    throw new ProfileError(path, [`cannot read: ${(e as Error).message}`]);
  }
  const profile = parseDieProfileJson(text, path);
  const issues = protocolFitIssues(profile);
  if (issues.length > 0) throw new ProfileError(path, issues);
  return profile;
}
